package petition

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/ratelimit"
)

// Actions in the audit log. Raw strings: they are codes, not message ids for the translation check.
const (
	auditPublish = `petition.publish`
	auditReject  = `petition.reject`
	auditCorrect = `petition.correct`
	auditAnswer  = `petition.answer`
)

func sortByScore(list []Petition, score func(Petition) int) {
	slices.SortStableFunc(list, func(a, b Petition) int { return score(b) - score(a) })
}

// inState loads a petition for a change inside tx and checks its state.
func inState(tx *gorm.DB, id int64, states ...string) (*Petition, error) {
	var p Petition
	err := tx.Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	if !slices.Contains(states, p.State) {
		return nil, errs.New(errs.Conflict, "petition.error.state")
	}
	return &p, nil
}

// ModerationQueue lists petitions waiting for a moderator, the most urgent first.
func (s *Service) ModerationQueue(ctx context.Context) ([]Petition, error) {
	var list []Petition
	err := s.db.WithContext(ctx).Where("state = ?", StateModeration).Order("moderation_due, id").Find(&list).Error
	return list, err
}

// ModerationOverdue says whether a petition in moderation is at or past its limit today.
func (s *Service) ModerationOverdue(p *Petition) bool { return !s.today().Before(p.ModerationDue) }

// Correct lets a moderator fix typos before publication; the previous wording stays in the history.
func (s *Service) Correct(ctx context.Context, id, moderatorID int64, title, text string) error {
	in := CreateInput{AuthorName: "-", Title: title, Text: text}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := inState(tx, id, StateModeration)
		if err != nil {
			return err
		}
		in.SubjectCode = p.SubjectCode
		if err := s.validate(&in); err != nil {
			return err
		}
		if in.Title == p.Title && in.Text == p.Text {
			return nil
		}
		note := "Було: «" + p.Title + "»"
		if in.Text != p.Text {
			note += "\n\n" + p.Text
		}
		now := s.now().UTC()
		err = tx.Model(p).Updates(map[string]any{"title": in.Title, "text": in.Text, "updated_at": now,
			"search_title": strings.ToLower(in.Title), "search_text": searchText(in.Title, in.Text)}).Error
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auditCorrect, "petition", id, "«"+p.Title+"» → «"+in.Title+"»"); err != nil {
			return err
		}
		return addEvent(tx, id, EventCorrected, &moderatorID, note, now)
	})
}

// Publish starts the collection. The author's own signature is the first.
func (s *Service) Publish(ctx context.Context, id, moderatorID int64, authorKey string) error {
	defer s.forgetCount(id) // the author's signature must show at once
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := inState(tx, id, StateModeration)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		ends := now.AddDate(0, 0, p.CollectionDays)
		err = tx.Model(p).Updates(map[string]any{"state": StateCollecting, "published_at": now,
			"collection_ends_at": ends, "updated_at": now}).Error
		if err != nil {
			return err
		}
		if err := addEvent(tx, id, EventPublished, &moderatorID, "", now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auditPublish, "petition", id, p.Title); err != nil {
			return err
		}
		if authorKey != "" {
			if _, err := insertSignature(tx, &Signature{PetitionID: id, PersonID: p.AuthorPersonID, SignerKey: authorKey,
				SignerName: p.AuthorName, SignedAt: now}); err != nil {
				return err
			}
		}
		p.State, p.PublishedAt, p.CollectionEndsAt = StateCollecting, &now, &ends
		return s.tellAuthor(ctx, tx, p, notify.PetitionPublished, map[string]any{"Ends": ends.In(s.loc).Format("02.01.2006")})
	})
}

// RejectionReasons are the grounds for not publishing (the law's and local practice's), as i18n ids
// "petition.reject.<code>".
var RejectionReasons = []string{"constitution", "war_propaganda", "hatred", "terrorism", "obscene",
	"false_author", "duplicate", "competence", "other"}

// Reject refuses publication with a reason from the list and an explanation.
func (s *Service) Reject(ctx context.Context, id, moderatorID int64, reason, text string) error {
	text = strings.TrimSpace(text)
	v := errs.Validation{}
	if !slices.Contains(RejectionReasons, reason) {
		v.Add("reason", "petition.error.reason")
	}
	if utf8.RuneCountInString(text) < 10 {
		v.Add("text", "petition.error.reject_text")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := inState(tx, id, StateModeration)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		err = tx.Model(p).Updates(map[string]any{"state": StateRejected, "rejection_reason": reason,
			"rejection_text": text, "updated_at": now}).Error
		if err != nil {
			return err
		}
		if err := addEvent(tx, id, EventRejected, &moderatorID, text, now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auditReject, "petition", id, reason+": "+text); err != nil {
			return err
		}
		return s.tellAuthor(ctx, tx, p, notify.PetitionRejected, map[string]any{"Reason": reason, "Explanation": text})
	})
}

// Signer is a signed-in citizen about to sign.
type Signer struct {
	PersonID int64
	Key      string // keyed hash of the tax number: one signature per person
	Name     string
	Address  string
}

// Sign adds the person's signature. Signing again is not an error: it reports false. A petition that
// is not collecting, or whose period has ended, cannot be signed.
//
// limits are the request's rate limits (web.Server.Counters): they are counted in the round trip that
// inserts the signature, and when one is over nothing is inserted and the error is *ratelimit.Over.
func (s *Service) Sign(ctx context.Context, id int64, sg Signer, limits ...ratelimit.Counter) (added bool, err error) {
	now := s.now().UTC()
	place, err := s.settlementOf(ctx, sg.Address)
	if err != nil {
		return false, err
	}
	if sg.Key != "" && s.resident(sg.Address) {
		// The usual case in one round trip: the INSERT itself checks that the petition is collecting,
		// the unique constraint keeps one signature per person, and the petition's threshold (fixed at
		// creation) comes back with the new row.
		sent := time.Now()
		threshold, added, err := s.insertSignature(ctx, id, sg, place, now, limits)
		if err != nil {
			return false, err
		}
		if added {
			s.countSigned(id, sent, time.Now())
			return true, s.checkThreshold(ctx, id, threshold)
		}
		// Nothing inserted: signed already, or the petition is missing or closed; the checks below say which.
	} else if len(limits) > 0 {
		// Refused below whatever the counts say, but counted as every attempt is.
		hits, err := ratelimit.Hit(ctx, s.db, limits...)
		if err != nil {
			return false, err
		}
		if err := ratelimit.Check(limits, hits); err != nil {
			return false, err
		}
	}
	var p Petition
	if err := s.db.WithContext(ctx).Select("id", "state", "threshold", "collection_ends_at").Take(&p, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return false, errs.New(errs.NotFound, "error.not_found")
		}
		return false, err
	}
	if !p.Public() {
		return false, errs.New(errs.NotFound, "error.not_found") // moderation and rejection stay unseen
	}
	if p.State != StateCollecting || p.CollectionEndsAt == nil || !now.Before(*p.CollectionEndsAt) {
		return false, errs.New(errs.Conflict, "petition.error.closed")
	}
	if sg.Key == "" {
		return false, errs.New(errs.Forbidden, "petition.error.no_tax_id")
	}
	if !s.resident(sg.Address) {
		return false, errs.New(errs.Forbidden, "petition.error.not_resident")
	}
	return false, nil // signed already: the unique constraint refused the second signature
}

// signSQL inserts a signature when the petition is collecting and the person has not signed it, and
// returns the petition's threshold with the new row.
const signSQL = `INSERT INTO petition_signatures (petition_id, person_id, signer_key, signer_name, signed_at, settlement_id)
	SELECT id, ?, ?, ?, ?, ? FROM petitions WHERE id = ? AND state = ? AND collection_ends_at > ?
	ON CONFLICT (petition_id, signer_key) DO NOTHING
	RETURNING (SELECT threshold FROM petitions WHERE petitions.id = petition_signatures.petition_id)`

// insertSignature counts the limits and inserts the signature in one round trip: on PostgreSQL one CALL of
// petition_sign (migration 26: the counts commit before the signature, so the counter of an address many
// share is not locked over the signature's durable commit), on SQLite one transaction on the one writer.
// With no limits it is the INSERT alone.
func (s *Service) insertSignature(ctx context.Context, id int64, sg Signer, place *int64, now time.Time, limits []ratelimit.Counter) (threshold int, added bool, err error) {
	q := s.db.WithContext(ctx)
	switch {
	case len(limits) == 0:
		return insertSigned(q, id, sg, place, now)
	case db.Dialect(q) == db.SQLite:
		var over error
		err = q.Transaction(func(tx *gorm.DB) error {
			hits, err := ratelimit.Hit(ctx, tx, limits...)
			if err != nil {
				return err
			}
			if over = ratelimit.Check(limits, hits); over != nil {
				return nil // the attempt stays counted, as on PostgreSQL
			}
			threshold, added, err = insertSigned(tx, id, sg, place, now)
			return err
		})
		return threshold, added, errors.Join(err, over)
	}
	// The same counter twice counts once, against the lower maximum (as ratelimit.Hit counts it).
	var uniq []ratelimit.Counter
	for _, l := range limits {
		if j := slices.IndexFunc(uniq, func(u ratelimit.Counter) bool { return u.ID == l.ID }); j >= 0 {
			uniq[j].Max = min(uniq[j].Max, l.Max)
			continue
		}
		uniq = append(uniq, l)
	}
	ids, ends, maxima := make([]string, len(uniq)), make([]string, len(uniq)), make([]string, len(uniq))
	for i, l := range uniq {
		ids[i], ends[i], maxima[i] = l.ID, l.Ends.UTC().Format(time.RFC3339Nano), strconv.Itoa(l.Max)
	}
	var over, th sql.NullInt64
	err = q.Raw("CALL petition_sign(?::text[], ?::timestamptz[], ?::bigint[], ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
		ratelimit.Array(ids), ratelimit.Array(ends), ratelimit.Array(maxima),
		id, sg.PersonID, sg.Key, sg.Name, place, now, StateCollecting).Row().Scan(&over, &th)
	switch {
	case err != nil:
		return 0, false, fmt.Errorf("signing: %w", err)
	case over.Valid:
		return 0, false, &ratelimit.Over{Until: uniq[over.Int64-1].Ends}
	}
	return int(th.Int64), th.Valid, nil
}

// insertSigned runs signSQL on q.
func insertSigned(q *gorm.DB, id int64, sg Signer, place *int64, now time.Time) (threshold int, added bool, err error) {
	rows, err := q.Raw(signSQL, sg.PersonID, sg.Key, sg.Name, now, place, id, StateCollecting, now).Rows()
	if err != nil {
		return 0, false, err
	}
	added = rows.Next()
	if added {
		err = rows.Scan(&threshold)
	}
	return threshold, added, errors.Join(err, rows.Close(), rows.Err())
}

// checkThreshold moves the petition to consideration when a new signature may have reached its
// threshold.
func (s *Service) checkThreshold(ctx context.Context, id int64, threshold int) error {
	n, err := s.Count(ctx, id)
	if err != nil {
		return err
	}
	// The cached count may miss other instances' last seconds (RefreshCounts catches those up) and this
	// process's doubtful ones (countSigned); the transition itself counts exactly.
	if n+s.doubtful(id) >= threshold {
		s.forgetCount(id)
		if _, err := s.reachThreshold(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) resident(address string) bool {
	if len(s.rules.Settlements) == 0 {
		return true
	}
	a := strings.ToLower(address)
	for _, name := range s.rules.Settlements {
		if strings.Contains(a, strings.ToLower(name)) {
			return true
		}
	}
	return false
}

// reachThreshold moves a collecting petition with enough signatures to consideration. The state
// condition in the UPDATE makes it happen exactly once, however many signers cross the line together.
func (s *Service) reachThreshold(ctx context.Context, id int64) (bool, error) {
	defer s.forgetCount(id) // this process's readers see the change at once (read.go)
	moved := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now().UTC()
		due := s.cal.AddWorkingDays(s.today(), s.rules.ConsiderationDays)
		res := tx.Model(&Petition{}).
			Where("id = ? AND state = ? AND threshold <= (SELECT COUNT(*) FROM petition_signatures WHERE petition_id = ?)", id, StateCollecting, id).
			Updates(map[string]any{"state": StateConsideration, "threshold_reached_at": now, "consideration_due": due, "updated_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		moved = true
		if err := addEvent(tx, id, EventThresholdReached, nil, "", now); err != nil {
			return err
		}
		var p Petition
		if err := tx.Take(&p, id).Error; err != nil {
			return err
		}
		return s.tellThreshold(ctx, tx, &p)
	})
	return moved, err
}

// Answer records the council's decision on a petition under consideration and publishes it; the
// author and every signatory are told.
func (s *Service) Answer(ctx context.Context, id, staffID int64, kind, text string, file *attachment.Upload) error {
	defer s.forgetCount(id) // this process's readers see the change at once (read.go)
	text = strings.TrimSpace(text)
	v := errs.Validation{}
	if !slices.Contains([]string{AnswerSupported, AnswerNotSupported, AnswerPartly}, kind) {
		v.Add("answer_kind", "petition.error.answer_kind")
	}
	if utf8.RuneCountInString(text) < 20 {
		v.Add("answer_text", "petition.error.answer_text")
	}
	if err := v.Err(); err != nil {
		return err
	}
	stored, err := s.storeFile(file, "answer_file")
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := inState(tx, id, StateConsideration)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		err = tx.Model(p).Updates(map[string]any{"state": StateAnswered, "answer_kind": kind, "answer_text": text,
			"answered_at": now, "updated_at": now, "answer_file_name": stored.Name, "answer_file_sha256": stored.SHA256,
			"answer_file_type": stored.Type, "answer_file_size": stored.Size}).Error
		if err != nil {
			return err
		}
		if err := addEvent(tx, id, EventAnswered, &staffID, "", now); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auditAnswer, "petition", id, kind); err != nil {
			return err
		}
		if s.notify == nil {
			return nil
		}
		// Signatories may be a hundred thousand: they are told in batches by a background job.
		return s.notify.Fanout(ctx, tx, fanoutSignatories, id)
	})
}

// ExpireDue closes petitions whose collection ended without enough signatures: each is registered as
// a collective appeal with its signer count, or archived, as the charter says. It returns how many.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	var ids []int64
	now := s.now().UTC()
	err := s.db.WithContext(ctx).Model(&Petition{}).Where("state = ? AND collection_ends_at <= ?", StateCollecting, now).
		Order("id").Limit(500).Pluck("id", &ids).Error
	if err != nil {
		return 0, err
	}
	done := 0
	for _, id := range ids {
		// The threshold may have been crossed in the last seconds: that wins over expiry.
		if moved, err := s.reachThreshold(ctx, id); err != nil || moved {
			if err != nil {
				return done, err
			}
			continue
		}
		if err := s.expire(ctx, id); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

func (s *Service) expire(ctx context.Context, id int64) error {
	defer s.forgetCount(id) // this process's readers see the change at once (read.go)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := inState(tx, id, StateCollecting)
		if err != nil {
			if errs.Is(err, errs.Conflict) {
				return nil // another instance got there first
			}
			return err
		}
		var n int64
		if err := tx.Model(&Signature{}).Where("petition_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		now := s.now().UTC()
		upd := map[string]any{"state": StateArchived, "signature_count": n, "updated_at": now}
		event := EventArchived
		if s.rules.OnExpiry == OnExpiryAppeal && s.appeals != nil {
			appealID, err := s.appeals.RegisterPetitionAppeal(ctx, tx, PetitionAppeal{
				AuthorPersonID: p.AuthorPersonID, AuthorName: p.AuthorName, AuthorEmail: p.AuthorEmail,
				Title: p.Title, Text: p.Text, SubjectCode: p.SubjectCode, Signers: max(int(n), 1), ReceivedAt: now})
			if err != nil {
				return fmt.Errorf("register expired petition %d as an appeal: %w", id, err)
			}
			upd["state"], upd["appeal_id"], event = StateExpired, appealID, EventExpired
		}
		if err := tx.Model(p).Updates(upd).Error; err != nil {
			return err
		}
		return addEvent(tx, id, event, nil, fmt.Sprintf("%d", n), now)
	})
}

// RefreshCounts stores the live signature counts on the petitions still open, for lists and sorting
// (pages count live), and moves any petition that crossed its threshold unseen. Run every few seconds by
// one instance (the queue's leader); lists do not wait for it (see freshCounts).
func (s *Service) RefreshCounts(ctx context.Context) error {
	if err := s.recount(ctx, 0); err != nil {
		return err
	}
	var due []int64
	if err := s.db.WithContext(ctx).Model(&Petition{}).Where("state = ? AND signature_count >= threshold", StateCollecting).
		Pluck("id", &due).Error; err != nil {
		return err
	}
	for _, id := range due {
		if _, err := s.reachThreshold(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// openStates are the states in which a petition's count can still change.
var openStates = []string{StateCollecting, StateConsideration}

// freshCounts makes the stored counts of open petitions at most as old as a page's cached count before a
// list reads them. Whichever instance serves the list does it, so lists and sorting by signatures stay
// right when the queue's leader (and its periodic RefreshCounts) dies. A cheap read comes first: a list
// served while the counts are fresh writes nothing. Concurrent lists of one process share one recount.
func (s *Service) freshCounts(ctx context.Context) error {
	var stale []int64
	err := s.db.WithContext(ctx).Model(&Petition{}).
		Where("state IN ? AND (counted_at IS NULL OR counted_at <= ?)", openStates, s.now().UTC().Add(-s.counts.ttl)).
		Limit(1).Pluck("id", &stale).Error
	if err != nil || len(stale) == 0 {
		return err
	}
	// The recount serves every list waiting for it, so one request's end must not cancel it.
	_, err, _ = s.recounts.Do("recount", func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return nil, s.recount(rctx, s.counts.ttl)
	})
	return err
}

// recount stores the live count, from the signatures, on every open petition whose stored count is
// maxAge old or older (0: all of them). Any instance may run it at any time: the condition on counted_at
// makes the later of two concurrent recounts for lists skip the rows the first has just counted (on
// PostgreSQL it waits for the first's row locks and then finds them fresh), and no counter is ever bumped
// per signature.
func (s *Service) recount(ctx context.Context, maxAge time.Duration) error {
	now := s.now().UTC()
	return s.db.WithContext(ctx).Exec(`UPDATE petitions SET counted_at = ?, signature_count =
		(SELECT COUNT(*) FROM petition_signatures WHERE petition_signatures.petition_id = petitions.id)
		WHERE state IN ? AND (counted_at IS NULL OR counted_at <= ?)`, now, openStates, now.Add(-maxAge)).Error
}

// DaysLeft is how many whole days of collection remain (0 on the last day and after).
func (s *Service) DaysLeft(p *Petition) int {
	if p.CollectionEndsAt == nil {
		return 0
	}
	d := int(p.CollectionEndsAt.Sub(s.now()).Hours() / 24)
	return max(d, 0)
}
