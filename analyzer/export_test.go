package analyzer

// ForceParallel makes every document's rules and hints run in parallel
// however small, until the returned function restores the thresholds:
// tests compare that with the serial run.
func ForceParallel() (restore func()) {
	objects, batch := parallelRulesObjects, hintBatch
	parallelRulesObjects, hintBatch = 0, 1
	return func() { parallelRulesObjects, hintBatch = objects, batch }
}
