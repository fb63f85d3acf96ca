"""The benchmark suite (`make bench`): seeds data, times views and jobs, writes docs/benchmarks.md."""
