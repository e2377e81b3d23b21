package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/source"
)

const tokenUsage = "usage: hromada token create NAME --source SOURCE --scopes " + apitoken.ScopeAppealsWrite + "," +
	apitoken.ScopeAppealsRead + " [--expires YYYY-MM-DD] | hromada token list | hromada token revoke ID"

// runToken is `hromada token create|list|revoke`: the machine API's tokens from the command line, as an
// admin issues them on /admin/tokens. A token is printed once, when it is created.
func runToken(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	gdb, err := openCurrent(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	tokens := apitoken.NewService(gdb, cfg.Secret, nil)
	sources := source.NewService(gdb, func(string) bool { return true }) // only read here
	switch args[0] {
	case "create":
		return createToken(ctx, cfg, tokens, sources, args[1:], stdout)
	case "list":
		if len(args) != 1 {
			return errors.New(tokenUsage)
		}
		return listTokens(ctx, tokens, sources, stdout)
	case "revoke":
		if len(args) != 2 {
			return errors.New(tokenUsage)
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil || id <= 0 {
			return errors.New(tokenUsage)
		}
		if err := tokens.Revoke(ctx, id); err != nil {
			if errs.Is(err, errs.NotFound) {
				return fmt.Errorf("there is no token %d", id)
			}
			return err
		}
		log.Info("api token revoked", "token_id", id)
		fmt.Fprintf(stdout, "token %d revoked\n", id)
		return nil
	}
	return errors.New(tokenUsage)
}

func createToken(ctx context.Context, cfg *config.Config, tokens *apitoken.Service, sources *source.Service, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	code := fs.String("source", "", "the source's code (1545, oda, …)")
	scopes := fs.String("scopes", "", "comma-separated: "+strings.Join(apitoken.Scopes, ", "))
	expires := fs.String("expires", "", "the last day the token works, YYYY-MM-DD (none: until revoked)")
	// The name comes first (hromada token create NAME --source …), or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return errors.New(tokenUsage)
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	} else if fs.NArg() != 0 || name == "" {
		return errors.New(tokenUsage)
	}
	clean, problem := form.Check(name, false, form.MaxLine)
	if problem != "" {
		return fmt.Errorf("the name: %s", message(problem))
	}
	src, err := sources.ByCode(ctx, *code)
	if errs.Is(err, errs.NotFound) || err == nil && !src.Active {
		return fmt.Errorf("there is no active source %q (%s)", *code, sourceCodes(ctx, sources))
	}
	if err != nil {
		return err
	}
	var list []string
	for _, s := range strings.Split(*scopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			list = append(list, s)
		}
	}
	var until *time.Time
	if *expires != "" {
		d, err := time.Parse(form.DateLayout, *expires)
		if err != nil {
			return fmt.Errorf("--expires: a date as YYYY-MM-DD, not %q", *expires)
		}
		// The token works through the day named, in the council's zone.
		end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, cfg.Timezone).UTC()
		until = &end
	}
	plain, t, err := tokens.Create(ctx, clean, src.ID, list, until, nil)
	if e := errs.As(err, errs.Invalid); e != nil {
		var lines []string
		for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
			lines = append(lines, "--"+f+": "+message(e.Fields[f]))
		}
		return errors.New(strings.Join(lines, "\n"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %d for %s (%s), scopes %s", t.ID, src.Code, src.NameUK, t.Scopes)
	if t.ExpiresAt != nil {
		fmt.Fprintf(stdout, ", valid until %s", t.ExpiresAt.In(cfg.Timezone).Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(stdout, "\n%s\nThis is the only time the token is shown: only its hash is kept.\n", plain)
	return nil
}

// message says a message id in English: the command line's language.
func message(id string) string {
	tr, err := i18n.NewTranslator()
	if err != nil {
		return id
	}
	return tr.For("en").T(id)
}

func sourceCodes(ctx context.Context, sources *source.Service) string {
	list, err := sources.List(ctx, true)
	if err != nil {
		return "sources cannot be listed"
	}
	var codes []string
	for _, s := range list {
		codes = append(codes, s.Code)
	}
	return "sources: " + strings.Join(codes, ", ")
}

func listTokens(ctx context.Context, tokens *apitoken.Service, sources *source.Service, stdout io.Writer) error {
	list, err := tokens.List(ctx)
	if err != nil {
		return err
	}
	all, err := sources.List(ctx, false)
	if err != nil {
		return err
	}
	codes := map[int64]string{}
	for _, s := range all {
		codes[s.ID] = s.Code
	}
	w := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSOURCE\tSCOPES\tPREFIX\tEXPIRES\tLAST USED\tSTATE")
	now := time.Now()
	for _, t := range list {
		state := "valid"
		switch {
		case t.RevokedAt != nil:
			state = "revoked " + t.RevokedAt.UTC().Format(time.RFC3339)
		case !t.Live(now):
			state = "expired"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Name, codes[t.SourceID], strings.ReplaceAll(t.Scopes, " ", ","),
			t.Prefix, timeOrDash(t.ExpiresAt), timeOrDash(t.LastUsedAt), state)
	}
	return w.Flush()
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
