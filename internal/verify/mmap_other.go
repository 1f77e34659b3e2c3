//go:build !unix

package verify

import "os"

// mapFile reads a column file whole where memory mapping is not available.
func mapFile(path string) ([]byte, func(), error) {
	data, err := os.ReadFile(path)
	return data, func() {}, err
}
