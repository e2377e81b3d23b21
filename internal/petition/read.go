package petition

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
)

// The public read path: what a petition's page depends on (Stamp), the columns the pages read and
// the signatories by keyset.

// pageColumns are what a petition's page shows: the row without its search copies of the title and text
// (as long as the text itself), the author's e-mail and the bookkeeping of counts and appeals.
var pageColumns = []string{"id", "author_person_id", "author_name", "title", "text", "subject_code",
	"file_name", "file_sha256", "file_type", "file_size", "state", "threshold", "created_at", "moderation_due",
	"published_at", "collection_ends_at", "threshold_reached_at", "consideration_due", "rejection_reason",
	"rejection_text", "answer_kind", "answer_text", "answered_at", "answer_file_name", "answer_file_sha256",
	"answer_file_type", "answer_file_size", "updated_at"}

// listColumns are what a list row and the CSV show; the open-data API adds the texts (Filter.WithText).
var listColumns = []string{"id", "title", "subject_code", "state", "author_name", "signature_count", "threshold",
	"created_at", "published_at", "collection_ends_at", "threshold_reached_at", "answer_kind", "answered_at"}

// Stamp is what a public page of one petition depends on, read at one moment: its last change (every
// change of state, text or answer sets updated_at) and its signature count. Equal stamps, equal pages.
type Stamp struct {
	Version string
	AsOf    time.Time // when it was read
}

// stamps keep each petition's stamp for the count's own window, so a page's check costs no query; one
// read at a time per petition refreshes it.
type stamps struct {
	mu     sync.Mutex
	m      map[int64]Stamp
	flight singleflight.Group
}

// stampsMax bounds the stamps kept: past it they are dropped together (each is one query to read again).
const stampsMax = 10_000

// PublicStamp returns the stamp of a public petition, at most the count's window (two seconds) old;
// a petition nobody may see is not found, as on its page.
func (s *Service) PublicStamp(ctx context.Context, id int64) (Stamp, error) {
	if st, ok := s.CurrentStamp(id); ok {
		return st, nil
	}
	v, err, _ := s.stamps.flight.Do(strconv.FormatInt(id, 10), func() (any, error) {
		return s.readStamp(context.WithoutCancel(ctx), id)
	})
	if err != nil {
		return Stamp{}, err
	}
	return v.(Stamp), nil
}

// CurrentStamp returns the stamp kept for a petition while it is within its window, without reading
// the database; false when none is (a change of this process drops it at once).
func (s *Service) CurrentStamp(id int64) (Stamp, bool) {
	s.stamps.mu.Lock()
	defer s.stamps.mu.Unlock()
	st, ok := s.stamps.m[id]
	return st, ok && time.Since(st.AsOf) < s.counts.ttl
}

func (st *stamps) forget(id int64) {
	st.mu.Lock()
	delete(st.m, id)
	st.mu.Unlock()
}

// readStamp reads the petition's last change and its count in one statement, and gives the count to
// the count's cache too, so the page rendered for this stamp shows the count it stands for.
func (s *Service) readStamp(ctx context.Context, id int64) (Stamp, error) {
	var row struct {
		State     string
		UpdatedAt time.Time
		N         int
	}
	now := time.Now()
	err := s.db.WithContext(ctx).Model(&Petition{}).Select("state", "updated_at",
		"(SELECT COUNT(*) FROM petition_signatures WHERE petition_signatures.petition_id = petitions.id) AS n").
		Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !(&Petition{State: row.State}).Public()) {
		return Stamp{}, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return Stamp{}, err
	}
	st := Stamp{Version: strconv.FormatInt(row.UpdatedAt.UnixNano(), 36) + "." + strconv.Itoa(row.N), AsOf: now}
	s.stamps.mu.Lock()
	if s.stamps.m == nil || len(s.stamps.m) >= stampsMax {
		s.stamps.m = map[int64]Stamp{}
	}
	s.stamps.m[id] = st
	s.stamps.mu.Unlock()
	s.counts.mu.Lock()
	if s.counts.m == nil {
		s.counts.m = map[int64]cachedCount{}
	}
	s.counts.m[id] = cachedCount{n: row.N, at: now}
	s.counts.mu.Unlock()
	return st, nil
}

// Page returns a petition for its page: Get's rule (in moderation or rejected only to its author), the
// page's columns only.
func (s *Service) Page(ctx context.Context, id, viewerID int64) (*Petition, error) {
	var p Petition
	err := s.db.WithContext(ctx).Select(pageColumns).Take(&p, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	if !p.Public() && p.AuthorPersonID != viewerID {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	return &p, nil
}

// Signatories is one page of a petition's signatories' names, first signers first, by keyset on the
// signature's id (the index petition_signatures_list): after > 0 gives the page after that signature,
// before > 0 the page before it, neither the first page. A deep page costs what the first does.
func (s *Service) Signatories(ctx context.Context, id, after, before int64, perPage int) ([]Signature, error) {
	var list []Signature
	q := s.db.WithContext(ctx).Select("id", "signer_name", "signed_at").Where("petition_id = ?", id).Limit(perPage)
	switch {
	case before > 0:
		if err := q.Where("id < ?", before).Order("id DESC").Find(&list).Error; err != nil {
			return nil, err
		}
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
		return list, nil
	case after > 0:
		q = q.Where("id > ?", after)
	}
	err := q.Order("id").Find(&list).Error
	return list, err
}
