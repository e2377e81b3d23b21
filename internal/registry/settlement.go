package registry

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/settlement"
)

// EventSettlement is the registrar's correction of the author's settlement on the timeline; the note
// says from what to what. Staff see it; the author's page leaves it out (the office's own bookkeeping).
const EventSettlement = "settlement"

// notDetermined is how the timeline names an empty settlement: the registry's records are kept in
// Ukrainian, as the report's breakdowns say it.
const notDetermined = "не визначено"

// SetSettlement corrects the author's settlement (nil: not determined) as a step of the card, open to
// registrars and admins in any state: one transaction with the timeline event ("Зелене → Лісове") and
// the audit line. The new settlement must be an active one; choosing the same one changes nothing and
// is refused, so the timeline holds only real corrections.
func (s *Service) SetSettlement(ctx context.Context, appealID int64, settlementID *int64) error {
	return s.change(ctx, appealID, StepSettlement, 0, func(tx *gorm.DB, a *Appeal, _ time.Time) (Event, error) {
		if sameID(a.SettlementID, settlementID) {
			return Event{}, errs.Validation{"settlement": "settlement.error.unchanged"}.Err()
		}
		was, _, err := settlementTitle(ctx, tx, a.SettlementID)
		if err != nil {
			return Event{}, err
		}
		now, active, err := settlementTitle(ctx, tx, settlementID)
		if err != nil {
			return Event{}, err
		}
		if !active {
			return Event{}, errs.Validation{"settlement": "settlement.error.choose"}.Err()
		}
		a.SettlementID = settlementID
		return Event{Kind: EventSettlement, Note: was + " → " + now}, nil
	})
}

// settlementTitle is the Ukrainian title of a settlement (id nil: not determined, which counts as active).
func settlementTitle(ctx context.Context, tx *gorm.DB, id *int64) (string, bool, error) {
	if id == nil {
		return notDetermined, true, nil
	}
	t, active, err := settlement.TitleOf(ctx, tx, *id)
	return t.UK, active, err
}
