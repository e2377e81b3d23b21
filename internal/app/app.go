// Package app wires Hromada together: configuration, database, services, the web app and, in
// development, the built-in identity provider. cmd/hromada only parses the command line and calls it;
// tests start the real program through it on port 0.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/hromada/hromada/admin"
	"github.com/hromada/hromada/api"
	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/appealform"
	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/devidp"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/logs"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reporttext"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
	"github.com/hromada/hromada/open311"
	"github.com/hromada/hromada/portal"
	"github.com/hromada/hromada/static"
)

// NewAttachmentStore opens the configured store of appeals' and petitions' files.
func NewAttachmentStore(cfg *config.Config) (*attachment.Store, error) {
	return attachment.NewStore(filepath.Join(cfg.DataDir, "attachments"), cfg.MaxAttachmentBytes)
}

// NewRegistry builds the registry as configured; n may be nil for commands that send no notices.
func NewRegistry(gdb *gorm.DB, cfg *config.Config, clf *classifier.Classifier, cal *calendar.Calendar, files *attachment.Store, n *notify.Service) *registry.Service {
	return registry.NewService(gdb, clf, files, registry.Options{Timezone: cfg.Timezone,
		IndexPattern: cfg.RegIndexPattern, MaxAttachments: cfg.MaxAttachments, Notify: n, Letters: LetterOptions(cfg),
		Calendar: cal, DueOnDayOff: cfg.DueOnDayOff})
}

// NewIntake builds the intake of other systems' cards over the registry.
func NewIntake(gdb *gorm.DB, cfg *config.Config, clf *classifier.Classifier, reg *registry.Service, sources *source.Service) *intake.Service {
	return intake.NewService(gdb, clf, intake.Options{Registry: reg, Sources: sources, Clock: calendar.NewClock(cfg.Timezone, nil)})
}

// NewCalendar loads the council's working days: holidays as data, off under martial law.
func NewCalendar(cfg *config.Config) (*calendar.Calendar, error) {
	return calendar.Load(cfg.Petitions.MartialLaw)
}

// LetterOptions are the council's letters as configured.
func LetterOptions(cfg *config.Config) registry.LetterOptions {
	l := cfg.Letters
	return registry.LetterOptions{
		Letterhead: paper.Letterhead{Name: l.Name, Address: l.Address, Phone: l.Phone, Email: l.Email,
			Website: l.Website, EDRPOU: l.EDRPOU},
		SignatoryTitle: l.SignatoryTitle, SignatoryName: l.SignatoryName, OutPattern: l.OutPattern,
		StatusURL: StatusURL(cfg),
	}
}

// StatusURL is where authors follow their appeals by index (the status page), printed on the
// acknowledgement and the registrar's receipt.
func StatusURL(cfg *config.Config) string { return cfg.BaseURL.JoinPath("/status").String() }

// App is one running Hromada.
type App struct {
	Config      *config.Config
	Log         *slog.Logger
	DB          *gorm.DB
	Web         *web.Server
	DevIdP      *devidp.Provider // nil unless the development provider runs
	Notify      *notify.Service
	People      *identity.Service
	Petitions   *petition.Service
	Registry    *registry.Service
	Departments *department.Service
	Settlements *settlement.Service
	Sources     *source.Service      // the systems appeals come from (hotlines, apps, other authorities)
	Tokens      *apitoken.Service    // the machine API's tokens
	Services    *georeport.Catalogue // Open311's public services
	Intake      *intake.Service      // other systems' cards through import profiles, results back
	Reception   *reception.Service   // personal reception: the schedule, bookings, the journal

	files *attachment.Store // appeals' and petitions' files (SweepFiles)
}

// Open builds everything: it opens the database, migrates it (or refuses an outdated schema), and
// builds the services and the web app. Nothing listens yet.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*App, error) {
	// Whoever built the logger, nothing personal gets through it (see internal/logs).
	log = logs.Redacted(log)
	gdb, err := db.Open(cfg.DatabaseURL, log, db.SlowQuery(cfg.SlowQuery))
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: gdb}
	if err := a.build(ctx); err != nil {
		_ = db.Close(gdb)
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	cfg, log := a.Config, a.Log
	switch {
	case cfg.AutoMigrate && cfg.MigrateDatabaseURL != "":
		// The owner migrates and grants; the server then runs on the schema as the application.
		if _, err := Migrate(ctx, cfg, log, cfg.AppRole()); err != nil {
			return err
		}
		if err := db.CheckSchema(ctx, a.DB, log); err != nil {
			return err
		}
	case cfg.AutoMigrate:
		applied, err := db.Migrate(ctx, a.DB, log)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("database migrated", "versions", applied)
		}
	default:
		if err := db.CheckSchema(ctx, a.DB, log); err != nil {
			return err
		}
	}
	owner, err := db.OwnsSchema(ctx, a.DB)
	if err != nil {
		return err
	}
	clf, err := classifier.Load()
	if err != nil {
		return err
	}
	files, err := NewAttachmentStore(cfg)
	if err != nil {
		return err
	}
	people := identity.NewService(a.DB, cfg.Secret)
	a.People = people
	if a.Notify, err = newNotifier(a.DB, cfg, log, !owner); err != nil {
		return err
	}
	cal, err := NewCalendar(cfg)
	if err != nil {
		return err
	}
	reg := NewRegistry(a.DB, cfg, clf, cal, files, a.Notify)
	a.Registry = reg
	people.OnSignIn(reg.LinkWaitingAppeals) // appeals registered by staff wait for their author's verified e-mail
	a.Departments = department.NewService(a.DB)
	a.Settlements = settlement.NewService(a.DB, clf.SettlementKinds)
	a.Sources = source.NewService(a.DB, clf.Channels.Has)
	a.Tokens = apitoken.NewService(a.DB, cfg.Secret, nil)
	a.Services = georeport.NewCatalogue(a.DB, clf.Subjects.Has)
	a.Intake = NewIntake(a.DB, cfg, clf, reg, a.Sources)
	a.Reception = reception.NewService(a.DB, clf, cfg.Timezone, reg, a.Notify, reception.Options{PerPerson: cfg.ReceptionBookings})
	// The day before a reception its visitors are reminded, each once (the visit is marked as it goes).
	a.Notify.AddPeriodic("reception_reminders", notify.PeriodicTask{Every: 15 * time.Minute, Run: func(ctx context.Context) error {
		_, err := a.Reception.RemindTomorrow(ctx)
		return err
	}})

	rules := cfg.Petitions
	petitions := petition.NewService(a.DB, clf, petition.Options{
		Rules: petition.Rules{Threshold: rules.Threshold, CollectionDays: rules.CollectionDays,
			ModerationDays: rules.ModerationDays, ConsiderationDays: rules.ConsiderationDays,
			Settlements: rules.Settlements, OnExpiry: rules.OnExpiry},
		Calendar: cal, Timezone: cfg.Timezone, Notify: a.Notify, Appeals: reg, Files: files,
		Moderators: func(ctx context.Context, tx *gorm.DB) ([]identity.StaffContact, error) {
			return identity.StaffWithRoles(ctx, tx, identity.RoleModerator, identity.RoleHead)
		},
	})
	a.Petitions = petitions
	a.Notify.AddPeriodic("petition_counts", notify.PeriodicTask{Every: 5 * time.Second, Run: petitions.RefreshCounts})
	a.Notify.AddPeriodic("petition_moderation_reminders", notify.PeriodicTask{Every: 15 * time.Minute, Run: func(ctx context.Context) error {
		_, err := petitions.RemindModerators(ctx)
		return err
	}})
	a.Notify.AddPeriodic("petition_expiry", notify.PeriodicTask{Every: time.Minute, Run: func(ctx context.Context) error {
		n, err := petitions.ExpireDue(ctx)
		if n > 0 {
			log.Info("petitions closed at the end of collection", "count", n)
		}
		return err
	}})

	// Deadline reminders mark each appeal as they go, so running often sends nothing twice; the overdue
	// digest goes out once a council's day from 08:00, whichever hourly run comes first.
	a.Notify.AddPeriodic("appeal_deadline_reminders", notify.PeriodicTask{Every: 15 * time.Minute, Run: func(ctx context.Context) error {
		_, err := reg.RemindDeadlines(ctx)
		return err
	}})
	a.Notify.AddPeriodic("appeal_overdue_digest", notify.PeriodicTask{Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := reg.OverdueDigest(ctx, time.Now())
		return err
	}})
	// Appeals registered before author keys existed get theirs once, from the first run on start, in
	// batches; later runs find nothing to do. Searches for earlier appeals never write.
	a.Notify.AddPeriodic("appeal_author_keys", notify.PeriodicTask{Every: time.Hour, Run: func(ctx context.Context) error {
		n, err := reg.KeyAuthors(ctx)
		if n > 0 {
			log.Info("earlier appeals keyed by author", "count", n)
		}
		return err
	}})

	// A hotline's export is kept only while a clerk needs it (internal/intake: Expire).
	a.Notify.AddPeriodic("intake_runs", notify.PeriodicTask{Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := a.Intake.Expire(ctx, time.Now())
		return err
	}})
	// Drafts past their lifetime go, then the stored files nothing names any longer: an upload whose
	// form was refused or abandoned, a draft's files (two lifetimes old, so a draft in use keeps them).
	a.files = files
	a.Notify.AddPeriodic("attachment_sweep", notify.PeriodicTask{Every: 6 * time.Hour, Run: func(ctx context.Context) error {
		n, err := a.SweepFiles(ctx, time.Now())
		if n > 0 {
			log.Info("stored files no row names were removed", "count", n)
		}
		return err
	}})
	a.Notify.AddPeriodic("api_idempotency_keys", notify.PeriodicTask{Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := reg.ExpireIdempotencyKeys(ctx, time.Now())
		return err
	}})

	a.Web, err = web.New(web.Deps{Config: cfg, Log: log, DB: a.DB, People: people, Tokens: a.Tokens, Assets: mustAssets(),
		Views: map[string]fs.FS{"portal": portal.Views(), "admin": admin.Views(), "appealform": appealform.Views()}})
	if err != nil {
		return err
	}
	portal.Register(a.Web, portal.Deps{Config: cfg, Log: log, People: people, Registry: reg, Classifier: clf, Notify: a.Notify,
		Petitions: petitions, Reception: a.Reception, Settlements: a.Settlements, RP: identity.NewRelyingParty(cfg.OIDC, cfg.RedirectURL(), cfg.PostLogoutURL()),
		Reports: report.NewService(a.DB, cfg.Timezone)})
	admin.Register(a.Web, admin.Deps{Log: log, Notify: a.Notify, Petitions: petitions, People: people,
		Registry: reg, Departments: a.Departments, Settlements: a.Settlements, Sources: a.Sources, Classifier: clf, Timezone: cfg.Timezone,
		Reports: report.NewService(a.DB, cfg.Timezone), Council: cfg.Council,
		ReportTexts: reporttext.NewService(a.DB), ReportHeading: report.Heading(cfg.ReportDocument),
		StatusURL: StatusURL(cfg), CaseIndex: cfg.Letters.CaseIndex, Intake: a.Intake, Tokens: a.Tokens, Reception: a.Reception,
		Services: a.Services, Audit: audit.NewService(a.DB), Staff: func(ctx context.Context) ([]identity.StaffContact, error) {
			return identity.StaffWithRoles(ctx, a.DB, identity.Roles...)
		}})
	open311.Register(a.Web, open311.Deps{Registry: reg, Services: a.Services, Sources: a.Sources, Classifier: clf,
		Timezone: cfg.Timezone, BaseURL: cfg.BaseURL.String(), Contact: cfg.Council.UK})

	api.Register(a.Web, api.Deps{Log: log, Registry: reg, Sources: a.Sources, Classifier: clf})

	if cfg.DevIdP.Enabled {
		if err := devidp.CheckEnvironment(cfg.Env); err != nil {
			return err
		}
		a.DevIdP, err = devidp.New(devidp.Config{
			Issuer: cfg.DevIdP.URL, ClientID: cfg.OIDC.ClientID, ClientSecret: cfg.OIDC.ClientSecret,
			RedirectURIs: []string{cfg.RedirectURL()}, PostLogoutRedirectURIs: []string{cfg.PostLogoutURL()},
		})
		if err != nil {
			return fmt.Errorf("development identity provider: %w", err)
		}
	}
	return nil
}

// Migrate applies the pending migrations as the tables' owner (HROMADA_MIGRATE_DATABASE_URL, or
// HROMADA_DATABASE_URL when there is one role) and, when grantTo names the application's role, gives
// it what the server needs (db.GrantApplication), after every run so new tables are covered too.
func Migrate(ctx context.Context, cfg *config.Config, log *slog.Logger, grantTo string) ([]int64, error) {
	log = logs.Redacted(log)
	url := cfg.MigrateDatabaseURL
	if url == "" {
		url = cfg.DatabaseURL
	}
	gdb, err := db.Open(url, log, db.SlowQuery(cfg.SlowQuery))
	if err != nil {
		return nil, err
	}
	defer db.Close(gdb)
	applied, err := db.Migrate(ctx, gdb, log)
	if err != nil {
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "versions", applied)
	}
	if grantTo != "" {
		if err := db.GrantApplication(ctx, gdb, grantTo); err != nil {
			return nil, err
		}
		log.Info("database rights granted to the application's role", "role", grantTo)
	}
	return applied, nil
}

// newNotifier builds the e-mail service: SMTP when configured, the console mailer in development.
func newNotifier(gdb *gorm.DB, cfg *config.Config, log *slog.Logger, skipReindex bool) (*notify.Service, error) {
	var mailer notify.Mailer = notify.NewConsoleMailer(os.Stdout)
	if cfg.SMTPURL != "" {
		m, err := notify.NewSMTPMailer(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("HROMADA_SMTP_URL: %w", err)
		}
		mailer = m
	}
	return notify.NewService(gdb, notify.Options{
		BaseURL: cfg.BaseURL, Council: cfg.Council,
		Secret: cfg.Secret, Mailer: mailer, Log: log, Work: cfg.Workers > 0, Workers: cfg.Workers,
		SkipReindex: skipReindex,
	})
}

func mustAssets() *static.Assets {
	a, err := static.Load("/static/")
	if err != nil {
		panic(err) // embedded at build time
	}
	return a
}

// Run serves the portal on ln (and the development provider on idpLn when it runs) until ctx ends,
// then shuts down gracefully: requests in flight finish, new ones are refused.
func (a *App) Run(ctx context.Context, ln, idpLn net.Listener) error {
	g, gctx := errgroup.WithContext(ctx)
	if err := a.Notify.Start(gctx); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	g.Go(func() error { return a.Web.App.Listener(ln) })
	var idp *http.Server
	if a.DevIdP != nil && idpLn != nil {
		idp = &http.Server{Handler: a.DevIdP, ReadHeaderTimeout: 10 * time.Second}
		g.Go(func() error {
			if err := idp.Serve(idpLn); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		a.Web.CollectExpiredSessions(gctx)
		return nil
	})
	// The report's cells are built once after an upgrade or a change of zone (internal/report, cells.go):
	// here, beside serving, so that no analyst's first report pays for it. A failure is not fatal: the
	// first report builds them itself.
	g.Go(func() error {
		if err := report.Prepare(gctx, a.DB, a.Config.Timezone); err != nil && gctx.Err() == nil {
			a.Log.Warn("report cells not built at start; the first report builds them", "error", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		a.Log.Info("shutting down")
		// The end of gctx has already begun the job queue's graceful stop: running sends finish while
		// the web server drains its requests (see notify.Service.Stop).
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout(a.Notify))
		defer cancel()
		err := a.Web.App.ShutdownWithContext(sctx)
		if idp != nil {
			err = errors.Join(err, idp.Shutdown(sctx))
		}
		return errors.Join(err, a.Notify.Stop(sctx))
	})
	return g.Wait()
}

// shutdownTimeout is how long a stop may take: requests in flight get 20 seconds, sends in progress as
// long as an SMTP conversation may last. A supervisor must wait that long before it kills the process
// (docker-compose.yml sets stop_grace_period); a send cut off by a kill is retried after a few minutes.
func shutdownTimeout(n *notify.Service) time.Duration {
	return max(20*time.Second, n.StopTimeout())
}

// RunWorker only sends e-mail, until ctx ends: `hromada worker`, for separate worker processes.
func (a *App) RunWorker(ctx context.Context) error {
	if a.Config.Workers == 0 {
		return errors.New("HROMADA_WORKERS is 0: a worker process must send something")
	}
	if err := a.Notify.Start(ctx); err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout(a.Notify))
	defer cancel()
	return a.Notify.Stop(sctx)
}

// SweepFiles removes the drafts past their lifetime, then the stored files no appeal, draft or petition
// names that were last written two draft lifetimes before now (attachment.Store.Sweep), and returns how
// many files went. The queue runs it every six hours.
func (a *App) SweepFiles(ctx context.Context, now time.Time) (int, error) {
	if _, err := a.Registry.ExpireDrafts(ctx); err != nil {
		return 0, err
	}
	return a.files.Sweep(now.Add(-2*registry.DraftLifetime), func(sums []string) (map[string]bool, error) {
		used, err := a.Registry.FilesInUse(ctx, sums)
		if err != nil {
			return nil, err
		}
		more, err := a.Petitions.FilesInUse(ctx, sums)
		maps.Copy(used, more)
		return used, err
	})
}

// Close waits for the files being taken in, then releases the database.
func (a *App) Close() error {
	if a.Intake != nil {
		a.Intake.Wait()
	}
	return db.Close(a.DB)
}
