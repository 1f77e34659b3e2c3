package verify

// SetChunkBytes cuts CSV files into pieces of about n bytes until restore
// is called, so that small test files come in several pieces. Only for
// tests that do not run in parallel.
func SetChunkBytes(n int) (restore func()) {
	old := chunkBytes
	chunkBytes = n
	return func() { chunkBytes = old }
}
