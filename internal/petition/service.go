package petition

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
)

// Expiry rules: what happens to a petition that did not collect enough signatures in time.
const (
	OnExpiryAppeal  = "appeal"  // registered in the appeals registry as a collective appeal
	OnExpiryArchive = "archive" // archived
)

// Rules come from the community's charter (configuration).
type Rules struct {
	Threshold         int      // signatures needed
	CollectionDays    int      // calendar days of collection
	ModerationDays    int      // working days to publish or reject
	ConsiderationDays int      // working days to answer once the threshold is reached
	Settlements       []string // when set, only people whose address names one of these may sign
	OnExpiry          string   // OnExpiryAppeal or OnExpiryArchive
}

// AppealRegistrar registers an expired petition as a collective appeal; the registry implements it.
type AppealRegistrar interface {
	RegisterPetitionAppeal(ctx context.Context, tx *gorm.DB, in PetitionAppeal) (appealID int64, err error)
}

// PetitionAppeal is what the registry needs to register an expired petition.
type PetitionAppeal struct {
	AuthorPersonID int64
	AuthorName     string
	AuthorEmail    string
	Title, Text    string
	SubjectCode    string
	Signers        int
	ReceivedAt     time.Time
}

// Service runs petitions.
type Service struct {
	db       *gorm.DB
	rules    Rules
	cal      *calendar.Calendar
	clf      *classifier.Classifier
	notify   *notify.Service
	files    *attachment.Store
	stamps   stamps // what public pages depend on (read.go)
	appeals  AppealRegistrar
	loc      *time.Location
	counts   countCache
	now      func() time.Time // clock.Now
	clock    calendar.Clock
	staffFor func(ctx context.Context, tx *gorm.DB) ([]identity.StaffContact, error)
	recounts singleflight.Group // concurrent lists of this process share one recount (see freshCounts)
	places   places             // the settlements signers' addresses are matched against
}

// Options wire the service.
type Options struct {
	Rules    Rules
	Calendar *calendar.Calendar
	Timezone *time.Location
	Notify   *notify.Service // nil: no e-mail (unit tests)
	Files    *attachment.Store
	Appeals  AppealRegistrar
	// Moderators returns whom to tell that a petition reached its threshold.
	Moderators func(ctx context.Context, tx *gorm.DB) ([]identity.StaffContact, error)
	Now        func() time.Time // tests move the clock; nil is time.Now
}

// NewService builds the petition service.
func NewService(db *gorm.DB, clf *classifier.Classifier, o Options) *Service {
	clock := calendar.NewClock(o.Timezone, o.Now)
	s := &Service{db: db, rules: o.Rules, cal: o.Calendar, clf: clf, notify: o.Notify, files: o.Files, appeals: o.Appeals,
		loc: o.Timezone, now: clock.Now, clock: clock, staffFor: o.Moderators}
	s.counts.ttl = 2 * time.Second
	if s.notify != nil {
		s.notify.RegisterFanout(fanoutSignatories, s.signatoryNotices)
	}
	return s
}

// Rules returns the charter's rules.
func (s *Service) Rules() Rules { return s.rules }

// today is the council's date now.
func (s *Service) today() time.Time { return s.clock.Today() }

// Limits on what a citizen may write.
const (
	minTitle, maxTitle = 10, 200
	minText, maxText   = 50, 10000
)

// CreateInput is a new petition as its author wrote it.
type CreateInput struct {
	PersonID    int64
	AuthorName  string
	AuthorEmail string
	Title       string
	Text        string
	SubjectCode string
	Attachment  *attachment.Upload // optional
}

func (s *Service) validate(in *CreateInput) error {
	v := errs.Validation{}
	in.Title, in.Text = strings.TrimSpace(in.Title), strings.TrimSpace(in.Text)
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		v.Add("title", "petition.error.title_required")
	case n < minTitle:
		v.Add("title", "petition.error.title_short")
	case n > maxTitle:
		v.Add("title", "petition.error.too_long")
	}
	switch n := utf8.RuneCountInString(in.Text); {
	case n == 0:
		v.Add("text", "petition.error.text_required")
	case n < minText:
		v.Add("text", "petition.error.text_short")
	case n > maxText:
		v.Add("text", "petition.error.too_long")
	}
	if !s.clf.Subjects.Has(in.SubjectCode) {
		v.Add("subject", "petition.error.subject")
	}
	if strings.TrimSpace(in.AuthorName) == "" {
		v.Add("title", "petition.error.no_name")
	}
	if in.Attachment != nil && s.files != nil && in.Attachment.Size > s.files.MaxBytes() {
		v.Add("file", "appeal.error.file_too_large")
	}
	return v.Err()
}

// storeFile keeps an upload in the attachment store; a refused file is reported on field.
func (s *Service) storeFile(up *attachment.Upload, field string) (File, error) {
	if up == nil || s.files == nil {
		return File{}, nil
	}
	saved, err := s.files.SaveUpload(*up, field)
	if err != nil {
		return File{}, err
	}
	return File{Name: attachment.CleanName(up.Name), SHA256: saved.SHA256, Type: saved.ContentType, Size: saved.Size}, nil
}

// OpenFile opens a petition's attachment (answer false) or its answer's (answer true) for download, when
// the petition is visible to the viewer.
func (s *Service) OpenFile(ctx context.Context, id, viewerID int64, answer bool) (File, io.ReadCloser, error) {
	p, err := s.Get(ctx, id, viewerID, false)
	if err != nil {
		return File{}, nil, err
	}
	f := p.File
	if answer {
		f = p.AnswerFile
	}
	if f.SHA256 == "" || s.files == nil {
		return File{}, nil, errs.New(errs.NotFound, "error.not_found")
	}
	r, err := s.files.Open(f.SHA256)
	if err != nil {
		return File{}, nil, err
	}
	return f, r, nil
}

// Create sends a new petition to moderation; it is due for a decision within the moderation period.
func (s *Service) Create(ctx context.Context, in CreateInput) (*Petition, error) {
	if err := s.validate(&in); err != nil {
		return nil, err
	}
	file, err := s.storeFile(in.Attachment, "file")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	p := &Petition{File: file, SearchTitle: strings.ToLower(in.Title), SearchText: searchText(in.Title, in.Text),
		AuthorPersonID: in.PersonID, AuthorName: strings.TrimSpace(in.AuthorName), AuthorEmail: in.AuthorEmail,
		Title: in.Title, Text: in.Text, SubjectCode: in.SubjectCode, State: StateModeration,
		Threshold: s.rules.Threshold, CollectionDays: s.rules.CollectionDays,
		CreatedAt: now, UpdatedAt: now, ModerationDue: s.cal.AddWorkingDays(s.today(), s.rules.ModerationDays),
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		return addEvent(tx, p.ID, EventCreated, &in.PersonID, "", now)
	})
	if err != nil {
		return nil, fmt.Errorf("create petition: %w", err)
	}
	return p, nil
}

func addEvent(tx *gorm.DB, petitionID int64, kind string, actor *int64, note string, at time.Time) error {
	return tx.Create(&Event{PetitionID: petitionID, Kind: kind, ActorPersonID: actor, Note: note, OccurredAt: at}).Error
}

func searchText(title, text string) string { return strings.ToLower(title + "\n" + text) }

// stem drops up to three final letters of a word, keeping at least four, so that inflected forms meet:
// "парку" and "парк", "міському" and "міський".
func stem(w string) string {
	r := []rune(w)
	cut := min(3, len(r)-4)
	if cut > 0 {
		r = r[:len(r)-cut]
	}
	return string(r)
}

// significantWords are the words of a title worth comparing: four letters or more, lower case.
func significantWords(title string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(w) >= 4 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}

// Similar finds petitions still collecting whose titles share words with title, best match first, so
// that a citizen signs an existing petition instead of starting a duplicate.
func (s *Service) Similar(ctx context.Context, title string) ([]Petition, error) {
	words := significantWords(title)
	if len(words) == 0 {
		return nil, nil
	}
	q := s.db.WithContext(ctx).Where("state = ?", StateCollecting)
	var cond *gorm.DB
	for _, w := range words {
		like := "%" + escapeLike(stem(w)) + "%"
		if cond == nil {
			cond = s.db.Where("search_title LIKE ? ESCAPE '\\'", like)
		} else {
			cond = cond.Or("search_title LIKE ? ESCAPE '\\'", like)
		}
	}
	var found []Petition
	if err := q.Where(cond).Order("id DESC").Limit(50).Find(&found).Error; err != nil {
		return nil, err
	}
	// Rank by shared words; keep the five best.
	score := func(p Petition) int {
		n := 0
		for _, w := range significantWords(p.Title) {
			for _, x := range words {
				if strings.HasPrefix(w, stem(x)) || strings.HasPrefix(x, stem(w)) {
					n++
					break
				}
			}
		}
		return n
	}
	sortByScore(found, score)
	if len(found) > 5 {
		found = found[:5]
	}
	return found, nil
}

// Get returns a petition; a petition in moderation or rejected is visible only to its author (and staff,
// who pass asStaff), to everyone else it does not exist.
func (s *Service) Get(ctx context.Context, id int64, viewerID int64, asStaff bool) (*Petition, error) {
	var p Petition
	err := s.db.WithContext(ctx).Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	if !p.Public() && !asStaff && p.AuthorPersonID != viewerID {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	return &p, nil
}

// History returns a petition's public events, oldest first.
func (s *Service) History(ctx context.Context, id int64) ([]Event, error) {
	var list []Event
	err := s.db.WithContext(ctx).Where("petition_id = ? AND kind <> ?", id, EventModerationReminder).Order("occurred_at, id").Find(&list).Error
	return list, err
}

// OfAuthor lists a citizen's own petitions, newest first.
func (s *Service) OfAuthor(ctx context.Context, personID int64) ([]Petition, error) {
	var list []Petition
	err := s.db.WithContext(ctx).Where("author_person_id = ?", personID).Order("created_at DESC, id DESC").Limit(200).Find(&list).Error
	return list, err
}

// countCache keeps live counts for a moment: a popular petition's page is read far more often than it
// is signed, and a count a second or two old is exact enough for a page.
type countCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[int64]cachedCount
}

type cachedCount struct {
	n  int
	at time.Time // when its query started
	// doubt counts this process's signatures committed while the query ran: it may or may not hold
	// them, so n is at most doubt short, never over (countSigned).
	doubt int
}

// Count returns the number of signatures, counted from the signatures themselves (never a counter
// bumped per signature: that row would be the hot spot of every signing), cached for two seconds.
func (s *Service) Count(ctx context.Context, id int64) (int, error) {
	s.counts.mu.Lock()
	if c, ok := s.counts.m[id]; ok && time.Since(c.at) < s.counts.ttl {
		s.counts.mu.Unlock()
		return c.n, nil
	}
	s.counts.mu.Unlock()
	var n int64
	start := time.Now() // a count is as old as its query's start: countSigned relies on it
	if err := s.db.WithContext(ctx).Model(&Signature{}).Where("petition_id = ?", id).Count(&n).Error; err != nil {
		return 0, err
	}
	s.counts.mu.Lock()
	if s.counts.m == nil {
		s.counts.m = map[int64]cachedCount{}
	}
	s.counts.m[id] = cachedCount{n: int(n), at: start}
	s.counts.mu.Unlock()
	return int(n), nil
}

// Counts returns the live counts of several petitions, as Count gives each one (the same two-second
// cache), with one query for those not cached.
func (s *Service) Counts(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(ids))
	var missing []int64
	s.counts.mu.Lock()
	for _, id := range ids {
		if c, ok := s.counts.m[id]; ok && time.Since(c.at) < s.counts.ttl {
			out[id] = c.n
		} else {
			missing = append(missing, id)
		}
	}
	s.counts.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	var rows []struct {
		PetitionID int64
		N          int
	}
	start := time.Now() // as in Count
	if err := s.db.WithContext(ctx).Model(&Signature{}).Select("petition_id, COUNT(*) AS n").
		Where("petition_id IN ?", missing).Group("petition_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.PetitionID] = r.N
	}
	s.counts.mu.Lock()
	if s.counts.m == nil {
		s.counts.m = map[int64]cachedCount{}
	}
	for _, id := range missing {
		s.counts.m[id] = cachedCount{n: out[id], at: start} // a petition without signatures counts 0
	}
	s.counts.mu.Unlock()
	return out, nil
}

// countSigned adds this process's new signature to the cached count, so the count a signer sees (and
// the threshold check) does not wait for the cache to expire, and never counts it twice. sent and done
// bound the signature's commit: a count whose query started before sent cannot have seen it and gains
// one; one started after done holds it already; one started in between may or may not, and notes the
// doubt: the count shown is then at most that short until the cache's two seconds end, never over (a list
// once showed 42 of 41), and the threshold check allows for it. Reading the count again instead made
// every signer of a busy petition recount it (bench/sign: PostgreSQL's CPU per request doubled).
func (s *Service) countSigned(id int64, sent, done time.Time) {
	s.counts.mu.Lock()
	if c, ok := s.counts.m[id]; ok {
		switch {
		case c.at.Before(sent):
			c.n++
		case c.at.Before(done):
			c.doubt++
		}
		s.counts.m[id] = c
	}
	s.counts.mu.Unlock()
}

// doubtful is how many of this process's signatures the cached count may be missing (countSigned).
func (s *Service) doubtful(id int64) int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return s.counts.m[id].doubt
}

// forgetCount drops a cached count, and the public pages' stamp, after a change this process made.
func (s *Service) forgetCount(id int64) {
	s.counts.mu.Lock()
	delete(s.counts.m, id)
	s.counts.mu.Unlock()
	s.stamps.forget(id)
}

// HasSigned says whether the person with the key signed the petition.
func (s *Service) HasSigned(ctx context.Context, id int64, signerKey string) (bool, error) {
	if signerKey == "" {
		return false, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&Signature{}).Where("petition_id = ? AND signer_key = ?", id, signerKey).Count(&n).Error
	return n > 0, err
}

// insertSignature adds a signature unless the person signed already; it reports whether it was new.
func insertSignature(tx *gorm.DB, sig *Signature) (bool, error) {
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "petition_id"}, {Name: "signer_key"}}, DoNothing: true}).Create(sig)
	return res.RowsAffected == 1, res.Error
}

// FilesInUse tells which of the stored files sums a petition names (its file or its answer's), for the
// attachments' sweep (attachment.Store.Sweep).
func (s *Service) FilesInUse(ctx context.Context, sums []string) (map[string]bool, error) {
	var rows []struct{ FileSHA256, AnswerFileSHA256 string }
	if err := s.db.WithContext(ctx).Table("petitions").Select("file_sha256, answer_file_sha256").
		Where("file_sha256 IN ? OR answer_file_sha256 IN ?", sums, sums).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("petition files in use: %w", err)
	}
	used := map[string]bool{}
	for _, r := range rows {
		used[r.FileSHA256], used[r.AnswerFileSHA256] = true, true
	}
	return used, nil
}
