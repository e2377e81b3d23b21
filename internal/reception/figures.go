package reception

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Figures are personal reception's figures of a period, for the quarterly report.
type Figures struct {
	// Held counts the reception days of the period that took place: not cancelled, not after today.
	Held int64 `json:"held"`
	// Visitors counts the people received (each visit marked received); Booked the bookings made for the
	// period's days that were not cancelled, Absent those who did not come.
	Visitors int64 `json:"visitors"`
	Absent   int64 `json:"absent"`
	// ByOfficial: people received per official (the official's id as a string); names in OfficialNames.
	ByOfficial    map[string]int64  `json:"by_official"`
	OfficialNames map[string]string `json:"official_names"`
	// BySettlement: people received per settlement of visiting receptions (the settlement's id as a
	// string), "council" for receptions at the council's premises.
	BySettlement map[string]int64 `json:"by_settlement"`
}

// AtCouncil is BySettlement's key for receptions at the council's own premises.
const AtCouncil = "council"

// FiguresOf counts the receptions whose day falls from..to (council dates, inclusive); today is the
// council's date, so that days still ahead are not counted as held.
func FiguresOf(ctx context.Context, gdb *gorm.DB, from, to, today time.Time) (*Figures, error) {
	f := &Figures{ByOfficial: map[string]int64{}, OfficialNames: map[string]string{}, BySettlement: map[string]int64{}}
	q := gdb.WithContext(ctx)
	if err := q.Model(&Day{}).Where("day >= ? AND day <= ? AND day <= ? AND cancelled_at IS NULL", from, to, today).
		Count(&f.Held).Error; err != nil {
		return nil, fmt.Errorf("receptions held: %w", err)
	}
	var rows []struct {
		OfficialID   int64
		Name         string
		SettlementID *int64
		Status       string
		N            int64
	}
	err := q.Raw(`SELECT d.official_id, o.name, d.settlement_id, v.status, COUNT(*) AS n
		FROM reception_visits v JOIN reception_days d ON d.id = v.day_id JOIN reception_officials o ON o.id = d.official_id
		WHERE d.day >= ? AND d.day <= ? AND v.status IN ?
		GROUP BY d.official_id, o.name, d.settlement_id, v.status`, from, to, []string{StatusReceived, StatusAbsent}).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("reception visitors: %w", err)
	}
	for _, r := range rows {
		if r.Status == StatusAbsent {
			f.Absent += r.N
			continue
		}
		f.Visitors += r.N
		k := strconv.FormatInt(r.OfficialID, 10)
		f.ByOfficial[k] += r.N
		f.OfficialNames[k] = r.Name
		place := AtCouncil
		if r.SettlementID != nil {
			place = strconv.FormatInt(*r.SettlementID, 10)
		}
		f.BySettlement[place] += r.N
	}
	return f, nil
}
