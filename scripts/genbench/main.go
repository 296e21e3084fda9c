// Command genbench writes the large inputs scripts/bench.sh measures:
// a stream of 5,000 small documents (Deployments and their Services), a
// 6 MB stream of 60,000 small Pods (many findings per byte) and a
// Dockerfile of 100,000 instructions. The output is the same on every run.
//
//	go run ./scripts/genbench -out DIR
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", ".", "folder to write the inputs to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	write(filepath.Join(*out, "docs-5000.yaml"), func(w *bufio.Writer) {
		for i := range 2500 {
			fmt.Fprintf(w, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels:
    app: app-%[1]d
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-%[1]d
  template:
    metadata:
      labels:
        app: app-%[1]d
    spec:
      containers:
        - name: app
          image: registry.example.com/app-%[1]d:1.%[1]d
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
spec:
  selector:
    app: app-%[1]d
  ports:
    - port: 80
      targetPort: 8080
`, i, i%50)
		}
	})
	write(filepath.Join(*out, "pods-60000.yaml"), func(w *bufio.Writer) {
		for i := range 60000 {
			fmt.Fprintf(w, "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p%d\nspec:\n  containers:\n  - name: c\n    image: nginx\n", i)
		}
	})
	write(filepath.Join(*out, "Dockerfile.100000"), func(w *bufio.Writer) {
		fmt.Fprintln(w, "FROM debian:12")
		for i := range 99999 {
			fmt.Fprintf(w, "RUN echo step %d > /tmp/step\n", i)
		}
	})
}

func write(path string, body func(*bufio.Writer)) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(f)
	body(w)
	if err := w.Flush(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genbench:", err)
	os.Exit(1)
}
