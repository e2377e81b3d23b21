package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
)

// IdempotencyKey names one client's request by the key it sent (the IETF Idempotency-Key header): a
// retry with the same key finds the appeal the first one made; the same key with another request is
// refused (ErrKeyReused).
type IdempotencyKey struct {
	Scope       string // the client the key belongs to, e.g. "api_token:12": keys of two clients never meet
	Key         string
	Fingerprint string // a hash of the request as understood (not as typed): the same request, the same hash
}

// idempotencyRecord is a key with the appeal its request registered, written in the registration's own
// transaction: an appeal and its key commit or roll back together.
type idempotencyRecord struct {
	ID          int64
	Scope       string
	Key         string
	Fingerprint string
	AppealID    int64
	CreatedAt   time.Time
}

func (idempotencyRecord) TableName() string { return "appeal_idempotency_keys" }

// ErrKeyReused is the message of the Conflict a key sent again with another request gets.
const ErrKeyReused = "api.error.key_reused"

// errKeyTaken: the key's record was written by a concurrent request while this one registered.
const errKeyTaken = "appeal.error.key_taken"

// RegisterOnce registers the appeal unless the same request (by key) or the same card of the source (by
// its number) was registered before, and says whether it registered it now. However many retries run
// at once, one appeal is made and every retry gets it: the unique source number and the unique key,
// both checked inside the registering transaction, decide, and the losers look the winner up.
func (s *Service) RegisterOnce(ctx context.Context, in RegisterInput, key *IdempotencyKey) (*Appeal, bool, error) {
	if a, err := s.registeredBefore(ctx, in, key); a != nil || err != nil {
		return a, false, err
	}
	in.Idempotency = key
	a, err := s.RegisterAppeal(ctx, in)
	if err == nil {
		return a, true, nil
	}
	if e := errs.As(err, errs.Conflict); e == nil || e.Message != ErrKnownCard && e.Message != errKeyTaken {
		return nil, false, err
	}
	// Another request registered it first: answer with what it made.
	found, ferr := s.registeredBefore(ctx, in, key)
	switch {
	case ferr != nil:
		return nil, false, ferr
	case found == nil:
		return nil, false, err // a conflict that left nothing behind: rolled back meanwhile
	}
	return found, false, nil
}

// registeredBefore finds the appeal an earlier request with the key, or the source's card with the
// number, registered; nil when there is none. A key sent before with another request is ErrKeyReused.
func (s *Service) registeredBefore(ctx context.Context, in RegisterInput, key *IdempotencyKey) (*Appeal, error) {
	if key != nil {
		var rec idempotencyRecord
		err := s.db.WithContext(ctx).Where("scope = ? AND key = ?", key.Scope, key.Key).Take(&rec).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
		case err != nil:
			return nil, fmt.Errorf("idempotency key: %w", err)
		case rec.Fingerprint != key.Fingerprint:
			return nil, errs.New(errs.Conflict, ErrKeyReused)
		default:
			return s.appeal(ctx, rec.AppealID)
		}
	}
	if in.SourceID == nil || in.ExternalNumber == "" {
		return nil, nil
	}
	a, err := s.AppealByExternal(ctx, *in.SourceID, in.ExternalNumber)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return a, err
}

// keepKey records the request's key (if it brought one) with the appeal it registered, inside the
// registration.
func keepKey(tx *gorm.DB, key *IdempotencyKey, appealID int64, now time.Time) error {
	if key == nil {
		return nil
	}
	rec := idempotencyRecord{Scope: key.Scope, Key: key.Key, Fingerprint: key.Fingerprint, AppealID: appealID, CreatedAt: now}
	if err := tx.Create(&rec).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return errs.New(errs.Conflict, errKeyTaken)
		}
		return fmt.Errorf("keep the idempotency key: %w", err)
	}
	return nil
}

// IdempotencyKeyLifetime is how long a request's key is kept: a client retries within minutes or hours;
// after a month only the source's card number (kept for ever) stands between a late retry and a second
// appeal — and the API requires that number.
const IdempotencyKeyLifetime = 30 * 24 * time.Hour

// ExpireIdempotencyKeys removes the keys kept longer than IdempotencyKeyLifetime before now, and says how
// many.
func (s *Service) ExpireIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", now.Add(-IdempotencyKeyLifetime).UTC()).Delete(&idempotencyRecord{})
	return res.RowsAffected, res.Error
}

func (s *Service) appeal(ctx context.Context, id int64) (*Appeal, error) {
	var a Appeal
	err := s.db.WithContext(ctx).Take(&a, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("appeal %d: %w", id, err)
	}
	return &a, nil
}

// AppealOfSource returns an appeal registered from the source, with its questions; another source's
// appeal, or one from no source, is NotFound, as if it did not exist.
func (s *Service) AppealOfSource(ctx context.Context, sourceID, appealID int64) (*Appeal, error) {
	var a Appeal
	err := s.db.WithContext(ctx).Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Where("id = ? AND source_id = ?", appealID, sourceID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("appeal %d of source %d: %w", appealID, sourceID, err)
	}
	return &a, nil
}
