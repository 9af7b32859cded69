#!/usr/bin/env bash
# Trains the gpu preset (pixel U-Net DDPM) on the GPU machine and copies the
# gallery to $OUT. Run from the repository root with bin/device/ carried
# (gpuruntime/device/build.sh makes it):
#
#   run(command="bash gpuruntime/device/run.sh", carry=["bin/device"])
#
# Environment: STEPS (denoiser steps, default 20000), TRAIN_LIMIT (seconds
# the training may take before it is stopped and resumed by the next call,
# default 420), SAMPLES (default 1000), OUT (given by the run tool).
#
# UNTESTED: written on a machine without a GPU. What it relies on:
#   - JAX's CUDA 13 PJRT plugin installed with pip (jax-cuda13-pjrt, with
#     the nvidia-* wheels): site-packages/jax_plugins/xla_cuda13/
#     xla_cuda_plugin.so and site-packages/nvidia/.
#   - go-xla v0.1.4 finds plugins by file name (pjrt_c_api_<name>_plugin.so)
#     in PJRT_PLUGIN_LIBRARY_PATH, and expects the nvidia/ libraries in the
#     folder above the plugin's (cuda_linux.go); when it finds them it sets
#     XLA_FLAGS=--xla_gpu_cuda_data_dir to a path hard-coded in v0.1.4
#     (/home/janpf/...) unless XLA_FLAGS already names one, so we set it.
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:=/tmp/kogi-out}"
STEPS="${STEPS:-20000}"
TRAIN_LIMIT="${TRAIN_LIMIT:-420}"
SAMPLES="${SAMPLES:-1000}"
dev=bin/device
work=bin/device-run            # kept between calls on a warm machine: resumes
mkdir -p "$OUT" "$work"
log() { echo "[run.sh $(date +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }

[ -x "$dev/gpuruntime" ] || { log "no $dev/gpuruntime: run gpuruntime/device/build.sh and carry bin/device"; exit 2; }
log "$(cat "$dev/GLIBC" 2>/dev/null); here: $(ldd --version 2>/dev/null | head -1)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | tee -a "$OUT/run.log"

# JAX's CUDA PJRT plugin and the nvidia libraries beside it.
py="$(command -v python3 || command -v python || true)"
plugin=""
if [ -n "$py" ]; then
  for mod in jax_plugins.xla_cuda13 jax_plugins.xla_cuda12; do
    d="$("$py" -c "import $mod as m, os; print(os.path.dirname(m.__file__))" 2>/dev/null)" || continue
    for f in "$d"/xla_cuda_plugin.so "$d"/*.so; do [ -f "$f" ] && { plugin="$f"; break 2; }; done
  done
fi
if [ -z "$plugin" ]; then
  plugin="$(find / -path /proc -prune -o -name 'xla_cuda_plugin.so' -print 2>/dev/null | grep -m1 cuda13 || true)"
fi
[ -n "$plugin" ] || { log "no JAX CUDA PJRT plugin (xla_cuda_plugin.so) found"; exit 3; }
site="$(cd "$(dirname "$plugin")/../.." && pwd)"   # site-packages
log "plugin $plugin; site-packages $site"
# pjrt/cuda/pjrt_c_api_cuda_plugin.so -> the plugin, pjrt/nvidia -> site-packages/nvidia:
# the name go-xla looks for, and nvidia/ where go-xla (and the plugin's
# RPATH, $ORIGIN/../nvidia) look for it.
pj="$PWD/$work/pjrt"
mkdir -p "$pj/cuda"
ln -sfn "$plugin" "$pj/cuda/pjrt_c_api_cuda_plugin.so"
[ -d "$site/nvidia" ] && ln -sfn "$site/nvidia" "$pj/nvidia"
export PJRT_PLUGIN_LIBRARY_PATH="$pj/cuda"
libs="$(find "$site/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')"
export LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:-}"
if [ -d "$site/nvidia/cuda_nvcc" ]; then
  export XLA_FLAGS="${XLA_FLAGS:-} --xla_gpu_cuda_data_dir=$site/nvidia/cuda_nvcc"
else
  export XLA_FLAGS="${XLA_FLAGS:-} --xla_gpu_cuda_data_dir=$site/nvidia"
fi
export KOGI_GIT_COMMIT="$(cat "$dev/COMMIT" 2>/dev/null || echo unknown)"
log "PJRT_PLUGIN_LIBRARY_PATH=$PJRT_PLUGIN_LIBRARY_PATH XLA_FLAGS=$XLA_FLAGS"

bin="$dev/gpuruntime"
common=(--preset gpu --out "$work/out")
# 1. The plugin loads and computes (a product and its gradient).
"$bin" check backend --backend xla:cuda 2>&1 | tee -a "$OUT/run.log"
[ "${PIPESTATUS[0]}" = 0 ] || { log "the CUDA backend does not start"; exit 4; }
# 2. Train (resumes from $work/out on a warm machine); stopped after
#    TRAIN_LIMIT seconds, with a checkpoint at most a report interval old.
timeout --signal=INT "$TRAIN_LIMIT" "$bin" train ddpm "${common[@]}" --backend xla:cuda --steps "$STEPS" \
  --mnist "$dev/mnist" --checkpoint-every 1m >>"$OUT/train.log" 2>&1
rc=$?
tail -5 "$OUT/train.log" | tee -a "$OUT/run.log"
mkdir -p "$OUT/checkpoints"
cp -r "$work/out/ddpm-gpu/ddpm" "$OUT/checkpoints/" 2>/dev/null
if [ "$rc" = 124 ] || [ "$rc" = 130 ]; then
  log "training stopped after ${TRAIN_LIMIT}s; run again on the warm machine to resume (sampling the checkpoint anyway)"
elif [ "$rc" != 0 ]; then
  log "training failed (exit $rc)"; exit 5
fi
# 3. Sample, judge and render into $OUT/gallery/diffusion.
"$bin" sample ddpm "${common[@]}" --backend xla:cuda --samples "$SAMPLES" --judge "$dev/judge.kjdg" \
  --gallery "$OUT/gallery/diffusion" 2>&1 | tee -a "$OUT/run.log"
"$bin" render diffusion "${common[@]}" --mnist "$dev/mnist" --gallery "$OUT/gallery/diffusion" 2>&1 | tee -a "$OUT/run.log"
log "done"
