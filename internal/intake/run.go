package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
)

// States of a run.
const (
	StateChecking  = "checking"  // the file is being read and compared with the registry
	StateChecked   = "checked"   // the preview is ready and the file can be imported
	StateRefused   = "refused"   // the file has problems: nothing will be imported
	StateImporting = "importing" // confirmed: the cards are being registered in one transaction
	StateDone      = "done"
	StateFailed    = "failed" // the import was refused as a whole (the profile changed, another import won)
)

// A run whose worker has not moved for this long was interrupted (its instance stopped). Reading updates
// the heartbeat every few hundred rows; the import is one transaction that cannot write beside itself on
// SQLite, so it gets longer.
const (
	staleChecking  = time.Minute
	staleImporting = 15 * time.Minute
)

// Run is one file taken in through a profile.
type Run struct {
	ID          int64
	ProfileID   int64
	SourceID    int64
	FileName    string
	Content     []byte `gorm:"column:content"`
	State       string
	TotalRows   int
	DoneRows    int
	Preview     string // JSON of Preview
	Outcome     string // JSON of Outcome
	CreatedBy   *int64
	CreatedAt   time.Time
	HeartbeatAt time.Time
	FinishedAt  *time.Time
}

// TableName keeps the table name explicit.
func (Run) TableName() string { return "intake_runs" }

// Outcome is what a confirmed run did, or why it did nothing.
type Outcome struct {
	Added   []CardLine `json:"added,omitempty"`
	Known   int        `json:"known"`
	Changed int        `json:"changed"`
	Error   string     `json:"error,omitempty"` // a message id
	// ProfileAt is the profile's time of change the preview was made with: a profile changed since means
	// the file must be checked again.
	ProfileAt time.Time `json:"profile_at"`
}

// Running tells whether a worker should still be at it.
func (r *Run) Running() bool { return r.State == StateChecking || r.State == StateImporting }

// Interrupted tells whether the run's worker stopped without finishing (its instance went away).
func (r *Run) Interrupted(now time.Time) bool {
	switch r.State {
	case StateChecking:
		return now.Sub(r.HeartbeatAt) > staleChecking
	case StateImporting:
		return now.Sub(r.HeartbeatAt) > staleImporting
	}
	return false
}

// Percent is how far the reading got, 0–100.
func (r *Run) Percent() int {
	if r.TotalRows == 0 {
		return 0
	}
	return min(100, r.DoneRows*100/r.TotalRows)
}

// PreviewOf reads the run's preview ("" before it is made).
func (r *Run) PreviewOf() (*Preview, error) {
	if r.Preview == "" {
		return nil, nil
	}
	var p Preview
	if err := json.Unmarshal([]byte(r.Preview), &p); err != nil {
		return nil, fmt.Errorf("run %d preview: %w", r.ID, err)
	}
	return &p, nil
}

// OutcomeOf reads the run's outcome.
func (r *Run) OutcomeOf() (*Outcome, error) {
	var o Outcome
	if r.Outcome == "" {
		return &o, nil
	}
	if err := json.Unmarshal([]byte(r.Outcome), &o); err != nil {
		return nil, fmt.Errorf("run %d outcome: %w", r.ID, err)
	}
	return &o, nil
}

// Start keeps the file and checks it in the background through the profile; the run's page follows its
// progress and shows the preview. The request's actor stays with the work, for the audit log.
func (s *Service) Start(ctx context.Context, profileID int64, fileName string, content []byte, log *slog.Logger) (*Run, error) {
	p, err := s.Get(ctx, profileID)
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			return nil, errs.Validation{"profile": "intake.error.profile"}.Err()
		}
		return nil, err
	}
	if len(content) == 0 {
		return nil, errs.Validation{"file": "import.no_file"}.Err()
	}
	now := s.now().UTC()
	run := &Run{ProfileID: p.ID, SourceID: p.SourceID, FileName: fileName, Content: content, State: StateChecking,
		CreatedAt: now, HeartbeatAt: now}
	if actor := audit.ActorOf(ctx).PersonID; actor != 0 {
		run.CreatedBy = &actor
	}
	if err := s.db.WithContext(ctx).Create(run).Error; err != nil {
		return nil, fmt.Errorf("start intake run: %w", err)
	}
	s.background(context.WithoutCancel(ctx), log, run.ID, "check", func(ctx context.Context) error { return s.check(ctx, run, p) })
	return run, nil
}

// check reads the run's file and stores the preview.
func (s *Service) check(ctx context.Context, run *Run, p *Profile) error {
	last := time.Time{}
	progress := func(done, total int) {
		if time.Since(last) < 500*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		// Progress is best effort: a missed update only makes the bar lag.
		_ = s.db.WithContext(ctx).Model(&Run{}).Where("id = ? AND state = ?", run.ID, StateChecking).
			Updates(map[string]any{"done_rows": done, "total_rows": total, "heartbeat_at": s.now().UTC()}).Error
	}
	pv, _, err := s.Check(ctx, p, run.FileName, run.Content, progress)
	if err != nil {
		return err
	}
	pj, err := json.Marshal(pv)
	if err != nil {
		return err
	}
	oj, err := json.Marshal(Outcome{ProfileAt: p.UpdatedAt})
	if err != nil {
		return err
	}
	upd := map[string]any{"state": StateChecked, "preview": string(pj), "outcome": string(oj), "heartbeat_at": s.now().UTC()}
	if len(pv.Problems) > 0 || len(pv.New) == 0 {
		// Refused, or nothing to add: the file (personal data) is not kept for a confirmation that cannot come.
		upd["content"], upd["finished_at"] = nil, s.now().UTC()
		if len(pv.Problems) > 0 {
			upd["state"] = StateRefused
		} else {
			upd["state"] = StateDone
		}
	}
	return s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", run.ID).Updates(upd).Error
}

// fail ends a run with a message.
func (s *Service) fail(ctx context.Context, id int64, message string) {
	oj, _ := json.Marshal(Outcome{Error: message})
	_ = s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", id).Updates(map[string]any{"state": StateFailed,
		"outcome": string(oj), "content": nil, "finished_at": s.now().UTC()}).Error
}

// Runs keep a hotline's export — names, addresses, phones, texts — only while a clerk needs it: a file
// not imported within keepFile is dropped (its preview stays, to be uploaded again), a run whose worker
// stopped is marked failed, and every run, preview included, is deleted after keepRun. The import itself
// stays in the audit log.
const (
	keepFile = 24 * time.Hour
	keepRun  = 7 * 24 * time.Hour
)

// Expire applies the retention above at now, and says how many runs it deleted.
func (s *Service) Expire(ctx context.Context, now time.Time) (int64, error) {
	now = now.UTC()
	oj, _ := json.Marshal(Outcome{Error: "intake.run.interrupted"})
	db := s.db.WithContext(ctx)
	stale := db.Model(&Run{}).Where("(state = ? AND heartbeat_at < ?) OR (state = ? AND heartbeat_at < ?)",
		StateChecking, now.Add(-staleChecking), StateImporting, now.Add(-staleImporting)).
		Updates(map[string]any{"state": StateFailed, "outcome": string(oj), "content": nil, "finished_at": now})
	if stale.Error != nil {
		return 0, fmt.Errorf("expire intake runs: %w", stale.Error)
	}
	if err := db.Model(&Run{}).Where("state = ? AND created_at < ? AND content IS NOT NULL", StateChecked, now.Add(-keepFile)).
		Update("content", nil).Error; err != nil {
		return 0, fmt.Errorf("expire intake files: %w", err)
	}
	res := db.Where("created_at < ? AND state NOT IN ?", now.Add(-keepRun), []string{StateChecking, StateImporting}).Delete(&Run{})
	return res.RowsAffected, res.Error
}

// background runs work of a run in its own goroutine, tracked for a graceful stop; a failure or a panic
// marks the run failed instead of leaving it "checking" for ever (or stopping the program).
func (s *Service) background(ctx context.Context, log *slog.Logger, id int64, what string, work func(context.Context) error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			if p := recover(); p != nil {
				log.Error("intake "+what+" panicked", "run", id, "panic", p)
				s.fail(ctx, id, "intake.error.internal")
			}
		}()
		if err := work(ctx); err != nil {
			log.Error("intake "+what+" failed", "run", id, "error", err)
			s.fail(ctx, id, "intake.error.internal")
		}
	}()
}

// Run returns a run without its file.
func (s *Service) Run(ctx context.Context, id int64) (*Run, error) {
	var r Run
	err := s.db.WithContext(ctx).Omit("content").Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Recent lists the latest runs without their files.
func (s *Service) Recent(ctx context.Context, n int) ([]Run, error) {
	var list []Run
	err := s.db.WithContext(ctx).Omit("content", "preview").Order("id DESC").Limit(n).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("recent intake runs: %w", err)
	}
	return list, nil
}

// Confirm imports a checked run in the background, exactly once: the state moves from checked to
// importing by one conditional UPDATE, so a second click or another instance finds nothing to confirm.
func (s *Service) Confirm(ctx context.Context, id int64, log *slog.Logger) error {
	res := s.db.WithContext(ctx).Model(&Run{}).Where("id = ? AND state = ?", id, StateChecked).
		Updates(map[string]any{"state": StateImporting, "heartbeat_at": s.now().UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		if _, err := s.Run(ctx, id); err != nil {
			return err
		}
		return errs.New(errs.Conflict, "intake.error.not_checked")
	}
	s.background(context.WithoutCancel(ctx), log, id, "import", func(ctx context.Context) error { return s.importRun(ctx, id) })
	return nil
}

// importRun reads the file again through the profile (unchanged since the preview) and registers the
// new cards in one transaction.
func (s *Service) importRun(ctx context.Context, id int64) error {
	var run Run
	if err := s.db.WithContext(ctx).Take(&run, id).Error; err != nil {
		return err
	}
	before, err := run.OutcomeOf()
	if err != nil {
		return err
	}
	if len(run.Content) == 0 { // kept a day only (Expire): the clerk uploads it again
		s.fail(ctx, id, "intake.error.file_expired")
		return nil
	}
	p, err := s.Get(ctx, run.ProfileID)
	if err != nil {
		return err
	}
	if !p.UpdatedAt.Equal(before.ProfileAt) {
		s.fail(ctx, id, "intake.error.profile_changed")
		return nil
	}
	out, err := s.Import(ctx, p, run.FileName, run.Content)
	var refused *RefusedError
	switch {
	case errors.As(err, &refused):
		s.fail(ctx, id, "intake.error.refused_now")
		return nil
	case errs.CodeOf(err) == errs.Conflict:
		s.fail(ctx, id, "intake.error.conflict")
		return nil
	case err != nil:
		return err
	}
	out.ProfileAt = p.UpdatedAt
	oj, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Model(&Run{}).Where("id = ?", id).Updates(map[string]any{"state": StateDone,
		"outcome": string(oj), "content": nil, "finished_at": s.now().UTC(), "done_rows": gorm.Expr("total_rows")}).Error
}

// RefusedError is a file with problems: nothing of it was imported.
type RefusedError struct{ Preview *Preview }

func (e *RefusedError) Error() string {
	return fmt.Sprintf("file refused: %d problem(s), the first %s", len(e.Preview.Problems), e.Preview.Problems[0])
}

// Import checks a file and, when it has no problem, registers its new cards in one transaction.
func (s *Service) Import(ctx context.Context, p *Profile, name string, content []byte) (*Outcome, error) {
	pv, cards, err := s.Check(ctx, p, name, content, nil)
	if err != nil {
		return nil, err
	}
	if len(pv.Problems) > 0 {
		return nil, &RefusedError{Preview: pv}
	}
	res, err := s.reg.ImportCards(ctx, p.SourceID, cards, registry.CardsOptions{FileName: name})
	if err != nil {
		return nil, err
	}
	out := &Outcome{Known: len(res.Known)}
	for _, k := range res.Known {
		if len(k.Changed) > 0 {
			out.Changed++
		}
	}
	for _, a := range res.Added {
		out.Added = append(out.Added, CardLine{Line: a.Line, Number: a.Number, AppealID: a.AppealID, RegIndex: a.RegIndex})
	}
	return out, nil
}
