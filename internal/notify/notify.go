// Package notify sends the portal's notices by e-mail through a durable job queue in the same database
// (River). A notice is written to the outbox (mail_messages) and its sending job is enqueued in the
// transaction of the change that causes it: a committed change always gets its notice, even if the
// process dies right after the commit, and a rolled-back change never sends one.
package notify

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
)

// Kind describes one notice: its template and whether the citizen may turn it off. Notices the law
// requires (the answer to an appeal, its forwarding, return or extension) are never optional.
type Kind struct {
	Name     string
	Optional bool
}

// The notices.
var (
	AppealRegistered          = Kind{Name: "appeal_registered", Optional: true}
	PetitionPublished         = Kind{Name: "petition_published"}
	PetitionRejected          = Kind{Name: "petition_rejected"}
	PetitionThreshold         = Kind{Name: "petition_threshold"}
	PetitionThresholdStaff    = Kind{Name: "petition_threshold_staff"}
	PetitionAnswered          = Kind{Name: "petition_answered"}
	PetitionAnsweredSignatory = Kind{Name: "petition_answered_signatory", Optional: true}
	PetitionModerationDue     = Kind{Name: "petition_moderation_due"}
	AppealForwarded           = Kind{Name: "appeal_forwarded"}
	AppealReturned            = Kind{Name: "appeal_returned"}
	AppealNotConsidered       = Kind{Name: "appeal_not_considered"}
	AppealExtended            = Kind{Name: "appeal_extended"}
	AppealAnswered            = Kind{Name: "appeal_answered"}
	AppealAcknowledged        = Kind{Name: "appeal_acknowledged"}   // the acknowledgement the author asked for, with its letter
	AppealAssigned            = Kind{Name: "appeal_assigned"}       // staff: a new assignment
	AppealDueSoon             = Kind{Name: "appeal_due_soon"}       // staff: due in 5 days, then in 1 day
	AppealOverdueDigest       = Kind{Name: "appeal_overdue_digest"} // staff: daily, per department
	ReceptionBooked           = Kind{Name: "reception_booked"}      // a place at personal reception is held
	ReceptionReminder         = Kind{Name: "reception_reminder"}    // the day before the reception
	ReceptionCancelled        = Kind{Name: "reception_cancelled"}   // the reception day was called off
)

// Kinds lists every notice, in the order the account page shows the optional ones.
var Kinds = []Kind{AppealRegistered, PetitionAnsweredSignatory, PetitionPublished, PetitionRejected,
	PetitionThreshold, PetitionThresholdStaff, PetitionAnswered, PetitionModerationDue, AppealForwarded,
	AppealReturned, AppealNotConsidered, AppealExtended, AppealAnswered, AppealAcknowledged, AppealAssigned,
	AppealDueSoon, AppealOverdueDigest, ReceptionBooked, ReceptionReminder, ReceptionCancelled}

func kindByName(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// Notice is one message to one recipient.
type Notice struct {
	Kind     Kind
	PersonID *int64 // the recipient, when known: their language and their choices apply
	To       string // e-mail address; a notice without one is not sent
	Lang     string // language when there is no person
	Path     string // the portal page the notice links to, e.g. /appeals/12
	Data     map[string]any
	// Attachments go with the message (a letter's PDF): kept in the outbox beside it, so a send retried
	// after a crash carries the same files.
	Attachments []Attachment
}

// Attachment is a file a message carries.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// mailAttachment is a file of an outbox message.
type mailAttachment struct {
	ID          int64
	MessageID   int64
	FileName    string
	ContentType string
	Content     []byte
}

func (mailAttachment) TableName() string { return "mail_attachments" }

// Message is a row of the outbox.
type Message struct {
	ID        int64
	Kind      string
	PersonID  *int64
	ToAddress string
	Lang      string
	Data      string // JSON
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// TableName names the outbox table.
func (Message) TableName() string { return "mail_messages" }

// Message statuses.
const (
	StatusQueued = "queued"
	StatusSent   = "sent"
	StatusFailed = "failed"
)

// preference is a citizen's choice for an optional notice.
type preference struct {
	PersonID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Kind      string `gorm:"primaryKey"`
	Enabled   bool
	UpdatedAt time.Time
}

func (preference) TableName() string { return "notice_preferences" }

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Message{}, &preference{}, &mailAttachment{}} }

// How sending survives crashes and stops. The durations are chained so that no message is sent twice
// by two workers at once and none waits long after a crash:
//
//   - one SMTP conversation ends, delivered or failed, within SMTPSendLimit (40 s; see SMTPMailer);
//   - a job may run for JobTimeout (1 min): the send plus reading and marking the outbox row;
//   - River's rescuer retries a job left "running" by a dead process once it has been running for
//     RescueStuckJobsAfter (2 min), longer than any live job may run, so it never takes a send that
//     is still going. The rescuer looks every 30 s (River's fixed interval) and its scheduler every 5 s,
//     and the first retry comes a second later: a send cut off by kill -9 goes out again within about
//     3 minutes (plus up to 15 s to elect a new leader when the dead process was the leader);
//   - on stop, running sends get SoftStopTimeout (45 s), longer than a conversation may last, so every
//     send that started ends on its own and is recorded; only then does River cancel what is left
//     (jobs that have not reached the SMTP server).
const (
	DefaultJobTimeout           = time.Minute
	DefaultRescueStuckJobsAfter = 2 * time.Minute
	DefaultSoftStopTimeout      = SMTPSendLimit + 5*time.Second
)

// recordTimeout bounds marking the outbox row after the SMTP server answered. It runs on a context of
// its own: a send that happened must be recorded even when the job's context ends just then (a stop, the
// job's timeout), or the job would fail and the message go again.
const recordTimeout = 10 * time.Second

// Options configure the service.
type Options struct {
	BaseURL *url.URL
	Council i18n.Text
	Secret  []byte // signs unsubscribe links
	Mailer  Mailer
	Log     *slog.Logger
	// Work makes this process send mail (serve and worker do; tests may not).
	Work    bool
	Workers int
	// Queue tuning for tests; zero values keep the defaults above (River's for the rest).
	FetchPollInterval    time.Duration
	RescueStuckJobsAfter time.Duration
	JobTimeout           time.Duration
	SoftStopTimeout      time.Duration
	RetryPolicy          river.ClientRetryPolicy
	// SkipReindex turns off River's daily REINDEX of its job table, which only the table's owner may
	// run: the server runs as the application's role when the owner migrates apart.
	SkipReindex bool
}

// Service writes notices to the outbox and sends them.
type Service struct {
	db       *gorm.DB
	opts     Options
	render   *renderer
	queue    *river.Client[*sql.Tx]
	hostname string
	fanouts  fanouts
	periodic map[string]PeriodicTask // guarded by fanouts.mu
	softStop time.Duration
}

// NewService builds the queue client; with Options.Work it also works jobs once Start is called.
func NewService(gdb *gorm.DB, o Options) (*Service, error) {
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s := &Service{db: gdb, opts: o, render: r, hostname: o.BaseURL.Hostname()}
	drv, err := db.RiverDriver(gdb)
	if err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &sendWorker{s: s})
	river.AddWorker(workers, &fanoutWorker{s: s})
	river.AddWorker(workers, &periodicWorker{s: s})
	cfg := &river.Config{
		Workers:              workers,
		Logger:               o.Log,
		FetchPollInterval:    o.FetchPollInterval,
		RescueStuckJobsAfter: cmp.Or(o.RescueStuckJobsAfter, DefaultRescueStuckJobsAfter),
		JobTimeout:           cmp.Or(o.JobTimeout, DefaultJobTimeout),
		// With a soft-stop timeout, cancelling the context given to Start begins a graceful stop (running
		// jobs go on); without one River treats it as StopAndCancel and cuts running sends off.
		SoftStopTimeout: cmp.Or(o.SoftStopTimeout, DefaultSoftStopTimeout),
		RetryPolicy:     o.RetryPolicy,
	}
	if cfg.RescueStuckJobsAfter <= cfg.JobTimeout {
		return nil, fmt.Errorf("job queue: a job must be rescued (after %v) only once it can no longer be running (%v)", cfg.RescueStuckJobsAfter, cfg.JobTimeout)
	}
	s.softStop = cfg.SoftStopTimeout
	if o.SkipReindex {
		cfg.ReindexerIndexNames = []string{} // an empty list reindexes nothing
	}
	if o.Work {
		n := o.Workers
		if n <= 0 {
			n = 10
		}
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
	}
	s.queue, err = river.NewClient(drv, cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return s, nil
}

// Start begins working jobs (only with Options.Work). Cancelling ctx begins a graceful stop, as Stop
// does.
func (s *Service) Start(ctx context.Context) error {
	if !s.opts.Work {
		return nil
	}
	s.schedulePeriodic()
	return s.queue.Start(ctx)
}

// StopTimeout is how long Stop may take: the soft stop and a moment for cancelled jobs to return.
func (s *Service) StopTimeout() time.Duration { return s.softStop + 5*time.Second }

// Stop takes no new jobs and lets running ones finish: River waits up to the soft-stop timeout, longer
// than an SMTP conversation may last, then cancels what still runs. If ctx ends first, running jobs are
// cancelled at once (StopAndCancel); a job the process's exit then cuts off is rescued later.
func (s *Service) Stop(ctx context.Context) error {
	if !s.opts.Work {
		return nil
	}
	err := s.queue.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		hctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err = errors.Join(err, s.queue.StopAndCancel(hctx))
	}
	return err
}

// Notify writes the notice to the outbox and enqueues its sending inside tx, the caller's transaction.
// An optional notice the person has turned off, or one without an address, is not written.
func (s *Service) Notify(ctx context.Context, tx *gorm.DB, n Notice) error {
	return s.NotifyMany(ctx, tx, []Notice{n})
}

// NotifyMany writes many notices the way Notify writes one, in a few statements: the recipients'
// languages and choices in one query each, the outbox rows and their jobs in bulk inserts.
func (s *Service) NotifyMany(ctx context.Context, tx *gorm.DB, notices []Notice) error {
	tx = tx.WithContext(ctx)
	var ids []int64
	for _, n := range notices {
		if n.To != "" && n.PersonID != nil {
			ids = append(ids, *n.PersonID)
		}
	}
	langs := map[int64]string{}
	off := map[int64]map[string]bool{}
	if len(ids) > 0 {
		var people []struct {
			ID       int64
			Language string
		}
		if err := tx.Table("persons").Select("id", "language").Where("id IN ?", ids).Scan(&people).Error; err != nil {
			return fmt.Errorf("notice recipients: %w", err)
		}
		for _, p := range people {
			langs[p.ID] = p.Language
		}
		var prefs []preference
		if err := tx.Where("person_id IN ? AND enabled = ?", ids, false).Find(&prefs).Error; err != nil {
			return fmt.Errorf("notice choices: %w", err)
		}
		for _, p := range prefs {
			if off[p.PersonID] == nil {
				off[p.PersonID] = map[string]bool{}
			}
			off[p.PersonID][p.Kind] = true
		}
	}
	now := time.Now().UTC()
	msgs := make([]Message, 0, len(notices))
	files := make([][]Attachment, 0, len(notices)) // each written message's files
	for _, n := range notices {
		if n.To == "" {
			continue
		}
		lang := n.Lang
		if n.PersonID != nil {
			l, known := langs[*n.PersonID]
			if !known {
				return fmt.Errorf("notice recipient %d: %w", *n.PersonID, gorm.ErrRecordNotFound)
			}
			if n.Kind.Optional && off[*n.PersonID][n.Kind.Name] {
				continue
			}
			lang = l
		}
		data := make(map[string]any, len(n.Data)+1)
		for k, v := range n.Data {
			data[k] = v
		}
		if n.Path != "" {
			data["Link"] = s.opts.BaseURL.JoinPath(n.Path).String()
		}
		raw, err := json.Marshal(data)
		if err != nil {
			return err
		}
		msgs = append(msgs, Message{Kind: n.Kind.Name, PersonID: n.PersonID, ToAddress: n.To, Lang: lang,
			Data: string(raw), Status: StatusQueued, CreatedAt: now})
		files = append(files, n.Attachments)
	}
	if len(msgs) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(&msgs, 500).Error; err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var rows []mailAttachment
	for i, m := range msgs {
		for _, f := range files[i] {
			rows = append(rows, mailAttachment{MessageID: m.ID, FileName: f.Name, ContentType: f.ContentType, Content: f.Data})
		}
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return fmt.Errorf("outbox files: %w", err)
		}
	}
	jobs := make([]river.InsertManyParams, len(msgs))
	for i, m := range msgs {
		jobs[i] = river.InsertManyParams{Args: sendArgs{MessageID: m.ID}}
	}
	stx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	if _, err := s.queue.InsertManyTx(ctx, stx, jobs); err != nil {
		return fmt.Errorf("enqueue e-mail: %w", err)
	}
	return nil
}

func (s *Service) enqueue(ctx context.Context, tx *gorm.DB, messageID int64) error {
	stx, err := db.SQLTx(tx)
	if err != nil {
		return err
	}
	if _, err := s.queue.InsertTx(ctx, stx, sendArgs{MessageID: messageID}, nil); err != nil {
		return fmt.Errorf("enqueue e-mail: %w", err)
	}
	return nil
}

// FailedMessages lists messages that could not be sent after every retry, newest first.
func (s *Service) FailedMessages(ctx context.Context, limit int) ([]Message, error) {
	var list []Message
	err := s.db.WithContext(ctx).Where("status = ?", StatusFailed).Order("created_at DESC, id DESC").Limit(limit).Find(&list).Error
	return list, err
}

// Retry queues a failed message again.
func (s *Service) Retry(ctx context.Context, messageID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Message{}).Where("id = ? AND status = ?", messageID, StatusFailed).
			Updates(map[string]any{"status": StatusQueued, "last_error": ""})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.NotFound, "error.not_found")
		}
		var m Message
		if err := tx.Select("kind").Take(&m, messageID).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, "mail.retry", "mail", messageID, m.Kind); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, messageID)
	})
}

var errNoMessage = errors.New("outbox message not found")

// WrittenSince tells, inside tx, whether any notice of the kind was written at or after the instant:
// daily digests use it to go out once a day whatever runs them and however often.
func (s *Service) WrittenSince(ctx context.Context, tx *gorm.DB, kind Kind, since time.Time) (bool, error) {
	var n int64
	err := tx.WithContext(ctx).Model(&Message{}).Where("kind = ? AND created_at >= ?", kind.Name, since).Limit(1).Count(&n).Error
	return n > 0, err
}
