package report

import (
	"fmt"
	"time"
)

// Ratings count the authors' ratings of the answers (issue 17): appeals received in the period whose
// author rated the answer satisfied or not. An answer is rated once (appeal_ratings' key is the appeal), so
// the two add up to the rated answers; an appeal rated later moves into them, as its result moves into
// by_result once it is answered.
type Ratings struct {
	Satisfied   int64 `json:"satisfied"`
	Unsatisfied int64 `json:"unsatisfied"`
}

// ratings counts the period's ratings in one grouped query over the appeals of the period
// (appeals_journal_received gives their ids by received_at) joined to their ratings.
func (q *querier) ratings(from, to time.Time) (Ratings, error) {
	start, end := q.bounds(from, to)
	var rows []struct {
		Satisfied bool
		N         int64
	}
	err := q.db.Raw(`SELECT r.satisfied, COUNT(*) AS n FROM appeal_ratings r JOIN appeals a ON a.id = r.appeal_id
		WHERE a.received_at >= ? AND a.received_at < ? GROUP BY r.satisfied`, start, end).Scan(&rows).Error
	if err != nil {
		return Ratings{}, fmt.Errorf("report of ratings: %w", err)
	}
	var r Ratings
	for _, row := range rows {
		if row.Satisfied {
			r.Satisfied += row.N
		} else {
			r.Unsatisfied += row.N
		}
	}
	return r, nil
}
