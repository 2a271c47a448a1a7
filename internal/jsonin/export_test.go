package jsonin

// DecodeWalk is Decode without the fast path, for the benchmark.
func DecodeWalk(data []byte, v any, opt Options) error { return decode(data, v, opt, false) }
