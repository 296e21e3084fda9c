package yamlfast

// Duplicates calls dup(i, first) for each of a mapping's n keys that
// repeats an earlier one, first being the earliest: what kubectl and the
// API server refuse. key gives the i-th key and whether it counts (a
// scalar, not a merge key). A few keys are compared pairwise; more go
// through seen, a scratch map the caller may lend (empty, and left so).
func Duplicates(n int, key func(i int) (string, bool), seen map[string]int, dup func(i, first int)) {
	if n < 2 {
		return
	}
	if n <= smallMapping {
		// Each key asked for once, then compared with those before it.
		var keys [smallMapping]string
		var counts [smallMapping]bool
		for i := range n {
			keys[i], counts[i] = key(i)
			for j := 0; counts[i] && j < i; j++ {
				if counts[j] && keys[j] == keys[i] {
					dup(i, j)
					break
				}
			}
		}
		return
	}
	if seen == nil {
		seen = make(map[string]int, n)
	}
	defer clear(seen)
	for i := range n {
		k, ok := key(i)
		if !ok {
			continue
		}
		if first, found := seen[k]; found {
			dup(i, first)
		} else {
			seen[k] = i
		}
	}
}

// smallMapping is the number of keys up to which Duplicates compares
// keys pairwise instead of using a map.
const smallMapping = 8
