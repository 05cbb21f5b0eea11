#!/usr/bin/env bash
# `make bench`: the side-by-side benchmark (Yew vs a plain-JS baseline) is not written yet; it is
# tracked as its own issue. Until then this says so and fails rather than print made-up numbers.
echo "make bench: the benchmark suite (bench/) is not implemented yet." >&2
exit 2
