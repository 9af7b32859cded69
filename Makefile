# Kogi: `make` builds the site into public/, `make test` runs every test.
GO ?= go
NPM ?= npm
MATHJAX := node_modules/mathjax/es5/tex-chtml-full.js

.PHONY: all site test bench check vet fmt clean

all: site

# MathJax comes from npm (package-lock.json pins it) and is served by the site
# itself; gen copies only the combined script and its fonts.
$(MATHJAX): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

site: $(MATHJAX)
	$(GO) run ./gen build --strict

check:
	$(GO) run ./gen check --strict

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l gen)" || { gofmt -l gen; echo "gofmt needed"; exit 1; }

test: $(MATHJAX) vet
	$(GO) test ./...

# Benchmarks print pages/s, ns/page and peak RSS; each site size runs in its
# own process so that the peak memory reported is that build's alone.
bench: $(MATHJAX)
	$(GO) test ./gen/site -run '^$$' -bench 'BuildDevCorpus$$' -benchmem -count 5
	$(GO) test ./gen/site -run '^$$' -bench 'BuildGenerated2000$$' -benchmem -count 3
	$(GO) test ./gen/markup -run '^$$' -bench . -benchmem

clean:
	rm -rf public bin
