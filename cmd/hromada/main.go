// Command hromada serves the portal and the staff area, and runs maintenance commands.
//
//	hromada [serve] [-migrate=true]   serve (the default command)
//	hromada migrate [-grant-to ROLE]  apply pending database migrations (as HROMADA_MIGRATE_DATABASE_URL
//	                                  when set) and give the application's role its rights, then exit
//	hromada worker                    only send e-mail (more processes beside serve)
//	hromada admin grant EMAIL ROLE    give a staff role to a person who has signed in once
//	hromada report --from D --to D --format json|csv|xlsx|pdf [-o FILE]   statistics and forms 1–2 for a period
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/devidp"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/logs"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hromada:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		migrate := fs.Bool("migrate", cfg.AutoMigrate, "apply pending migrations at start (false: refuse an outdated schema)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		cfg.AutoMigrate = *migrate
		return serve(ctx, cfg, log, stdout)
	case "worker":
		a, err := app.Open(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		fmt.Fprintf(stdout, "Hromada worker: sending e-mail, at most %d at a time\n", cfg.Workers)
		return a.RunWorker(ctx)
	case "admin":
		if len(args) != 3 || args[0] != "grant" {
			return errors.New("usage: hromada admin grant EMAIL ROLE (roles: " + strings.Join(identity.Roles, ", ") + ")")
		}
		gdb, err := openCurrent(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close(gdb)
		p, err := identity.NewService(gdb, cfg.Secret).GrantRole(ctx, args[1], args[2], "hromada admin grant")
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				return fmt.Errorf("nobody with the e-mail %s has signed in yet: sign in once, then grant the role", args[1])
			}
			if e := errs.As(err, errs.Invalid, errs.Forbidden, errs.Conflict); e != nil && e.Message == "staff.error.email_unverified" {
				return fmt.Errorf("the identity provider has not verified the e-mail %s: verify it at the provider, sign in again, then grant the role", args[1])
			}
			return err
		}
		log.Info("role granted", "person_id", p.ID, "role", args[2])
		fmt.Fprintf(stdout, "%s is now %s\n", p.FullName(), args[2])
		return nil
	case "import":
		return runImport(ctx, cfg, log, args, stdout)
	case "results":
		return runResults(ctx, cfg, log, args, stdout)
	case "report":
		return reportCommand(ctx, cfg, log, args, stdout)
	case "token":
		return runToken(ctx, cfg, log, args, stdout)
	case "migrate":
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		grantTo := fs.String("grant-to", cfg.AppRole(), "PostgreSQL: the application's database role, given what the server needs "+
			"after migrating (default: the user of HROMADA_DATABASE_URL when HROMADA_MIGRATE_DATABASE_URL is set)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		applied, err := app.Migrate(ctx, cfg, log, *grantTo)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrations applied: %v\n", applied)
		if *grantTo != "" {
			fmt.Fprintf(stdout, "rights granted to the database role %s\n", *grantTo)
		}
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: hromada [serve [-migrate=false] | migrate [-grant-to ROLE] | worker | admin grant EMAIL ROLE | import appeals [-lang en] FILE.xlsx|FILE.csv | import cards -source CODE [-profile ID] [-check] FILE | results -source CODE -from YYYY-MM-DD -to YYYY-MM-DD [-format xlsx|csv] [-o FILE] | report --from YYYY-MM-DD --to YYYY-MM-DD --format json|csv|xlsx|pdf [-o FILE] | token create NAME --source SOURCE --scopes appeals:write,appeals:read [--expires YYYY-MM-DD] | token list | token revoke ID]\nconfiguration: environment variables, see README.md")
		return nil
	default:
		return fmt.Errorf("unknown command %q (serve, migrate, worker, admin, import, report, token)", cmd)
	}
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	var idpLn net.Listener
	if a.DevIdP != nil {
		if idpLn, err = net.Listen("tcp", cfg.DevIdP.Addr); err != nil {
			ln.Close()
			return fmt.Errorf("development identity provider: %w", err)
		}
	}
	printWelcome(stdout, cfg)
	if err := a.Run(ctx, ln, idpLn); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func printWelcome(w io.Writer, cfg *config.Config) {
	fmt.Fprintf(w, "Hromada is serving %s at %s (database: %s)\n", cfg.Council.UK, cfg.BaseURL, dbKind(cfg.DatabaseURL))
	if !cfg.DevIdP.Enabled {
		return
	}
	fmt.Fprintf(w, "Development identity provider at %s — NOT for production. Test identities:\n", cfg.DevIdP.URL)
	for _, id := range devidp.Identities() {
		fmt.Fprintf(w, "  %-40s %-18s %s\n", id.FullName(), id.Note, id.AuthType)
	}
	fmt.Fprintf(w, "Open %s and choose \"Увійти\" (sign in).\n", cfg.BaseURL)
	if cfg.OIDC.Claims.Roles != "" {
		fmt.Fprintf(w, "The staff identities bring their roles in the %q claim and open %s at once.\n", cfg.OIDC.Claims.Roles, cfg.BaseURL.JoinPath("/admin"))
	}
	fmt.Fprintln(w, "In production, staff sign in through the council's provider like everyone; an admin grants roles at /admin/staff\n"+
		"(the first one with `hromada admin grant EMAIL admin`), or HROMADA_OIDC_CLAIM_ROLES names the provider's roles claim.")
}

func dbKind(url string) string {
	if len(url) >= 7 && url[:7] == "sqlite:" {
		return "embedded SQLite " + url[7:]
	}
	return "PostgreSQL"
}

func newLogger(cfg *config.Config) *slog.Logger {
	return logs.New(os.Stderr, cfg.LogLevel, cfg.LogFormat)
}

// openCurrent opens the configured database for a command that works on it, refusing a schema older
// than this program (run `hromada migrate` first).
func openCurrent(ctx context.Context, cfg *config.Config, log *slog.Logger) (*gorm.DB, error) {
	gdb, err := db.Open(cfg.DatabaseURL, log, db.SlowQuery(cfg.SlowQuery))
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx, gdb, log); err != nil {
		_ = db.Close(gdb)
		return nil, err
	}
	return gdb, nil
}
