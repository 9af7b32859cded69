# Kogi: `make` builds the site into public/, `make test` runs every test.
GO ?= go
NPM ?= npm
MATHJAX := node_modules/mathjax/es5/tex-chtml-full.js

.PHONY: all site wasm test bench check vet fmt clean serve

all: site

# MathJax comes from npm (package-lock.json pins it) and is served by the site
# itself; gen copies only the combined script and its fonts.
$(MATHJAX): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

# The demos' WebAssembly: one Go forward pass (wasmdemo/vae) compiled for
# the browser, and the Go release's loader beside it (not committed: it must
# match the Go that built the wasm).
WASM := build/wasm/vae.wasm
WASM_EXEC := build/wasm/wasm_exec.js
WASM_SRC := $(shell find wasmdemo -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum

$(WASM): $(WASM_SRC)
	@mkdir -p $(dir $@)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./wasmdemo/cmd/vaewasm

$(WASM_EXEC): $(WASM)
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $@

wasm: $(WASM) $(WASM_EXEC)

site: $(MATHJAX) wasm
	$(GO) run ./gen build --strict

check:
	$(GO) run ./gen check --strict

# Dev server on http://127.0.0.1:1313/: rebuilds on every save and reloads
# open tabs. Extra flags: make serve SERVEFLAGS='--addr 127.0.0.1:8080'.
serve: $(MATHJAX) wasm
	$(GO) run ./gen serve $(SERVEFLAGS)

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l gen wasmdemo gpuruntime)" || { gofmt -l gen wasmdemo gpuruntime; echo "gofmt needed"; exit 1; }

test: $(MATHJAX) wasm vet
	$(GO) test ./...

# Benchmarks print pages/s, ns/page and peak RSS; each site size runs in its
# own process so that the peak memory reported is that build's alone.
# GOGC=200 and GOMEMLIMIT=64MiB are what gen itself sets (gen/main.go), so
# the numbers are the CLI's.
bench: export GOGC = 200
bench: export GOMEMLIMIT = 64MiB
bench: $(MATHJAX) wasm
	$(GO) test ./gen -run '^$$' -bench 'CLI' -benchtime 20x -count 3
	$(GO) test ./gen/site -run '^$$' -bench 'BuildDevCorpus/rebuild' -benchtime 20x -count 3
	$(GO) test ./gen/site -run '^$$' -bench 'BuildDevCorpus/cold' -benchtime 10x -count 3
	$(GO) test ./gen/site -run '^$$' -bench 'BuildGenerated2000/rebuild' -benchtime 3x -count 3
	$(GO) test ./gen/site -run '^$$' -bench 'BuildGenerated2000/cold' -benchtime 2x -count 2
	$(GO) test ./gen/site -run '^$$' -bench 'RebuildOnePage' -benchtime 40x -count 3
	$(GO) test ./gen/markup/... -run '^$$' -bench . -benchmem
	$(GO) test ./wasmdemo -run '^$$' -bench VAEBrowser -benchtime 3x

clean:
	rm -rf public bin build

# Trains the VAE demo's two models with GoMLX's pure-Go backend (on 2 shared
# CPU cores: 14 minutes for the 2-D one, 7 for the 16-D one) and rewrites
# static/demos/vae/ (weights, latent map, manifest.json) and the parity
# reference wasmdemo/vae/testdata/parity.json. The results are committed, so
# `make` never trains. A killed run resumes from its last checkpoint in
# $(MODELS_OUT)/checkpoints/; delete that folder to train from scratch.
# Extra flags: make models MODELS_FLAGS='--backend xla:cuda'.
MODELS_OUT ?= bin/gpuruntime
MODELS_FLAGS ?=

.PHONY: models
models:
	$(GO) run ./gpuruntime train vae --latent 2 --out $(MODELS_OUT) $(MODELS_FLAGS)
	$(GO) run ./gpuruntime train vae --latent 16 --out $(MODELS_OUT) $(MODELS_FLAGS)

# The diffusion gallery (static/gallery/diffusion/: samples.png, forward.gif,
# reverse.gif, strip.png, manifest.json) from the cpu preset: a latent DDPM
# (VAE 784-512-16, then an MLP denoiser) trained with GoMLX's pure-Go backend,
# 1,000 samples judged by gpuruntime/judge/judge.kjdg (about 8 minutes on 2
# shared CPU cores). Committed, so `make` never trains. A killed run resumes
# from $(MODELS_OUT)/ddpm-cpu/; delete that folder to train from scratch.
.PHONY: gallery
gallery:
	$(GO) run ./gpuruntime train ddpm --preset cpu --out $(MODELS_OUT)
	$(GO) run ./gpuruntime sample ddpm --preset cpu --out $(MODELS_OUT)
	$(GO) run ./gpuruntime render diffusion --preset cpu --out $(MODELS_OUT)

# The CycleGAN gallery (static/gallery/cyclegan/: triplets.png, training.gif,
# training_strip.png, losses.svg, manifest.json) from the cpu preset: MLP
# generators and discriminators between MNIST and digits typeset in the Go
# fonts, 3,600 steps on GoMLX's pure-Go backend (about 25 minutes on 2 shared
# CPU cores), then two 11-class judges score the translations. Committed, so
# `make` never trains. A killed run resumes from $(MODELS_OUT)/cyclegan-cpu/.
.PHONY: cyclegan
cyclegan:
	$(GO) run ./gpuruntime train cyclegan --preset cpu --out $(MODELS_OUT)
	$(GO) run ./gpuruntime render cyclegan --preset cpu --out $(MODELS_OUT)
