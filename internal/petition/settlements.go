package petition

import (
	"context"
	"sync"
	"time"

	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/settlement"
)

// placesTTL is how long the settlements signers' addresses are matched against are kept: the list changes
// a few times a year, signatures come by the thousand, and one query a minute keeps signing one statement.
const placesTTL = time.Minute

// places caches the settlement index for signing.
type places struct {
	mu sync.Mutex
	ix *settlement.Index
	at time.Time
}

// settlementOf finds the community's settlement an address names, or nil.
func (s *Service) settlementOf(ctx context.Context, address string) (*int64, error) {
	if address == "" {
		return nil, nil
	}
	// The lock covers only taking (or renewing, once a minute) the index: matching runs outside it, so
	// signers do not queue behind each other's addresses.
	s.places.mu.Lock()
	if s.places.ix == nil || time.Since(s.places.at) >= placesTTL {
		ix, err := settlement.LoadIndex(ctx, s.db, s.clf.SettlementKinds)
		if err != nil {
			s.places.mu.Unlock()
			return nil, err
		}
		s.places.ix, s.places.at = ix, time.Now()
	}
	ix := s.places.ix
	s.places.mu.Unlock()
	return ix.Match(address), nil
}

// SettlementCount is how many signatures came from one settlement; a zero ID is the signatures whose
// settlement was not determined.
type SettlementCount struct {
	ID    int64
	Name  i18n.Text
	Count int
}

// BySettlement counts a petition's signatures by the signers' settlements, the largest first, the
// undetermined last.
func (s *Service) BySettlement(ctx context.Context, id int64) ([]SettlementCount, error) {
	var rows []struct {
		SettlementID *int64
		N            int
	}
	if err := s.db.WithContext(ctx).Model(&Signature{}).Select("settlement_id, COUNT(*) AS n").
		Where("petition_id = ?", id).Group("settlement_id").Order("n DESC, settlement_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	titles, err := settlement.Titles(ctx, s.db)
	if err != nil {
		return nil, err
	}
	list := make([]SettlementCount, 0, len(rows))
	var unknown int
	for _, r := range rows {
		if r.SettlementID == nil {
			unknown += r.N
			continue
		}
		list = append(list, SettlementCount{ID: *r.SettlementID, Name: titles[*r.SettlementID], Count: r.N})
	}
	if unknown > 0 {
		list = append(list, SettlementCount{Count: unknown})
	}
	return list, nil
}
