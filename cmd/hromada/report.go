package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reporttext"
)

const reportUsage = "usage: hromada report --from YYYY-MM-DD --to YYYY-MM-DD --format json|csv|xlsx|pdf|docx [-o FILE] [--lang uk|en]"

// reportCommand writes the report for a period (both days inclusive, in the council's zone) to stdout or
// a file. A file is written whole or not at all: the report goes to a temporary file renamed at the end.
func reportCommand(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "first day of the period, YYYY-MM-DD")
	to := fs.String("to", "", "last day of the period (inclusive), YYYY-MM-DD")
	format := fs.String("format", "json", "json, csv, xlsx, pdf or docx (pdf and docx: the whole document)")
	out := fs.String("o", "", "write to FILE instead of standard output")
	lang := fs.String("lang", "uk", "language of labels and the narrative: uk or en")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w\n%s", err, reportUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), reportUsage)
	}
	var problems []string
	day := func(name, s string) time.Time {
		if s == "" {
			problems = append(problems, fmt.Sprintf("--%s is required (YYYY-MM-DD)", name))
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			problems = append(problems, fmt.Sprintf("--%s %q is not a date YYYY-MM-DD", name, s))
		}
		return d
	}
	fromDay, toDay := day("from", *from), day("to", *to)
	if !slices.Contains(report.Formats, *format) {
		problems = append(problems, fmt.Sprintf("--format %q: choose one of %s", *format, strings.Join(report.Formats, ", ")))
	}
	if !slices.Contains(i18n.Languages, *lang) {
		problems = append(problems, fmt.Sprintf("--lang %q: choose one of %s", *lang, strings.Join(i18n.Languages, ", ")))
	}
	if len(problems) == 0 && toDay.Before(fromDay) {
		problems = append(problems, fmt.Sprintf("--to %s is before --from %s", *to, *from))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n") + "\n" + reportUsage)
	}
	if *format != "json" && *format != "csv" && *out == "" && isTerminal(stdout) {
		return fmt.Errorf("--format %s is binary: name a file with -o FILE or redirect the output", *format)
	}

	gdb, err := openCurrent(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	r, err := report.Compute(ctx, gdb, fromDay, toDay, cfg.Timezone)
	if err != nil {
		return err
	}
	clf, err := classifier.Load()
	if err != nil {
		return err
	}
	tr, err := i18n.NewTranslator()
	if err != nil {
		return err
	}
	// The whole document takes its heading from configuration and the texts staff typed for the period.
	texts, err := reporttext.NewService(gdb).Of(ctx, r.Period)
	if err != nil {
		return err
	}
	o := report.Output{Council: cfg.Council, Lang: *lang, Classifier: clf, L: tr.For(*lang),
		Document: report.Document{Heading: report.Heading(cfg.ReportDocument), Texts: texts.Latest()}}
	if *out == "" {
		return r.Write(stdout, *format, o)
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".hromada-report-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := r.Write(tmp, *format, o); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	if n := len(r.AllIssues()); n > 0 {
		fmt.Fprintf(os.Stderr, "hromada report: identities of the forms that do not hold: %d; they are listed in %s\n", n, *out)
	}
	return nil
}

// isTerminal says whether w is an interactive terminal, where binary output would only garble the screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
