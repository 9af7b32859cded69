// Command gen builds a Kogi site.
//
//	go run ./gen build [--content DIR] [--out DIR]   render content/ into public/
//	go run ./gen check [--content DIR]               the same checks, nothing written
//	go run ./gen serve [--addr HOST:PORT] [--out DIR] build, serve on 127.0.0.1, rebuild on change
//
// It only turns flags into a config.Build and prints what site reports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/kogi-course/kogi/gen/config"
	"github.com/kogi-course/kogi/gen/markup/diag"
	"github.com/kogi-course/kogi/gen/serve"
	"github.com/kogi-course/kogi/gen/site"
)

func main() {
	// A build allocates about 0.9 MB per page and keeps little: collecting
	// half as often cuts a 2,000-page build by a seventh for ~15 MB more
	// peak memory (measured with make bench). GOGC, when set, still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// The soft limit makes the collector work harder only as the heap nears
	// it: a 2,000-page build peaked at 136 MiB RSS without a limit, 95 MiB
	// with 80 MiB and 79 MiB with 64 MiB, all in the same time (2.1-2.4 s,
	// make bench). Sites whose live data is larger simply collect more
	// often. GOMEMLIMIT, when set, still wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: gen <command> [flags]

commands:
  build   render the content folder into the output folder
  check   run every check of build without writing anything
  serve   build, serve the site on 127.0.0.1 and rebuild it on every change

run "gen <command> -h" for the flags of a command`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	if cmd != "build" && cmd != "check" && cmd != "serve" {
		fmt.Fprintf(stderr, "gen: unknown command %q\n%s\n", cmd, usage)
		return 2
	}
	cfg := config.Default
	fs := flag.NewFlagSet("gen "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Content, "content", cfg.Content, "content folder (the site root)")
	if cmd == "build" || cmd == "serve" {
		fs.StringVar(&cfg.Out, "out", cfg.Out, "output folder, replaced only when the build succeeds")
	}
	addr := serve.Default.Addr
	if cmd == "serve" {
		fs.StringVar(&addr, "addr", addr, "host:port to serve on (no host: 127.0.0.1)")
	}
	fs.StringVar(&cfg.Templates, "templates", cfg.Templates, "layouts folder")
	fs.StringVar(&cfg.Static, "static", cfg.Static, "theme files copied into the output")
	noMinify := fs.Bool("no-minify", false, "write HTML, CSS, JS, SVG and JSON as they are")
	noSearch := fs.Bool("no-search", false, "do not build the full-text search index")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	fs.IntVar(&cfg.Workers, "workers", 0, "pages rendered at once (0: one per CPU)")
	if dir, err := os.UserCacheDir(); err == nil {
		cfg.CacheDir = filepath.Join(dir, "kogi")
	}
	fs.StringVar(&cfg.CacheDir, "cache", cfg.CacheDir, "cache of minified static files (empty: no cache)")
	quiet := fs.Bool("q", false, "print errors only")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (for measuring gen itself)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuprofile != "" {
		stop, err := startCPUProfile(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "gen %s: %v\n", cmd, err)
			return 1
		}
		defer stop()
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gen %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return 2
	}
	cfg.Minify = !*noMinify
	cfg.Search = !*noSearch
	cfg.Strict = *strict
	cfg.Assets = config.DefaultAssets

	if cmd == "serve" {
		sc := serve.Default
		sc.Addr, sc.Build, sc.Quiet, sc.Log = addr, cfg, *quiet, stderr
		if err := sc.Validate(); err != nil {
			fmt.Fprintf(stderr, "gen serve: %v\n", err)
			return 2
		}
		// The first Ctrl-C (or SIGTERM) stops the server gracefully; once
		// it has, a second one kills the process as usual.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		context.AfterFunc(ctx, stop)
		if err := serve.Run(ctx, sc); err != nil {
			fmt.Fprintf(stderr, "gen serve: %v\n", err)
			return 1
		}
		return 0
	}

	var res site.Result
	var err error
	if cmd == "build" {
		res, err = site.Build(cfg)
	} else {
		res, err = site.Check(cfg)
	}
	for _, p := range res.Problems {
		if *quiet && p.Severity == diag.Warning {
			continue
		}
		fmt.Fprintln(stderr, p)
	}
	nerr, nwarn := res.Problems.Errors(), res.Problems.Warnings()
	if err != nil && !errors.Is(err, site.ErrFailed) {
		fmt.Fprintf(stderr, "gen %s: %v\n", cmd, err)
		return 1
	}
	s := res.Stats
	switch {
	case nerr > 0 || (cfg.Strict && nwarn > 0):
		strict := ""
		if nerr == 0 {
			strict = " (--strict)"
		}
		if cmd == "build" {
			fmt.Fprintf(stderr, "gen build: %d errors, %d warnings%s; %s left unchanged\n", nerr, nwarn, strict, cfg.Out)
		} else {
			fmt.Fprintf(stderr, "gen check: %d errors, %d warnings%s\n", nerr, nwarn, strict)
		}
		return 1
	case cmd == "build":
		fmt.Fprintf(stdout, "built %d pages and %d files into %s in %v (%d warnings)\n",
			s.Pages, s.Files, cfg.Out, s.Duration.Round(100_000), nwarn)
	default:
		fmt.Fprintf(stdout, "checked %d pages in %v: %d warnings\n", s.Pages, s.Duration.Round(100_000), nwarn)
	}
	return 0
}

// startCPUProfile profiles the rest of the run into file; stop flushes it.
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
