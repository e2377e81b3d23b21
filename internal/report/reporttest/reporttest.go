// Package reporttest writes a small data set with known counts straight into the tables the report reads,
// so the report's tests, the staff page's and the command's check the same figures.
package reporttest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// Kyiv is the council's zone in the data set: its summer time starts on 31 March 2024 at 03:00, so the
// quarter's edge falls on a day whose UTC date differs from Kyiv's.
var Kyiv = mustZone("Europe/Kyiv")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// The reported period: Q1 2024.
var (
	From = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	To   = time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
)

// Spec describes a batch of identical appeals.
type Spec struct {
	N                     int
	Received              time.Time // in Kyiv
	Channel, Type, Nature string
	Signers               int
	Sign                  string
	Priority              bool
	Status, Result        string
	Due                   string     // YYYY-MM-DD
	Answered              *time.Time // in Kyiv
	Subjects              []string   // one question per subject
	Gender, Categories    string
	Social                string
	Department            bool   // routed to the data set's department
	Settlement            string // the author's settlement: one of Settlements, "" not determined
}

// Settlements are the data set's settlements of the community.
var Settlements = []string{"Зразкове", "Зелене"}

func kyiv(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Kyiv)
}

func ptr(t time.Time) *time.Time { return &t }

// Specs is the data set. Its counts in Q1 2024 (written out in Expected) are known by hand.
var Specs = []Spec{
	{N: 5, Received: kyiv(2024, 1, 10, 9, 0), Channel: "gov_hotline", Type: "complaint", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "answered", Result: "resolved", Due: "2024-02-09", Answered: ptr(kyiv(2024, 2, 1, 12, 0)), Subjects: []string{"09"},
		Settlement: "Зразкове"},
	{N: 3, Received: kyiv(2024, 2, 5, 10, 0), Channel: "oda_hotline", Type: "application", Nature: "collective", Signers: 4,
		Sign: "repeat", Priority: true, Status: "answered", Result: "explained", Due: "2024-03-06", Answered: ptr(kyiv(2024, 3, 1, 12, 0)),
		Subjects: []string{"09", "06"}, Settlement: "Зелене"},
	// Still open past the due date: overdue.
	{N: 2, Received: kyiv(2024, 3, 1, 11, 0), Channel: "portal", Type: "proposal", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "in_progress", Due: "2024-03-31", Subjects: []string{"10"}, Gender: "female",
		Categories: "idp;combatant", Social: "pensioner", Department: true},
	{N: 1, Received: kyiv(2024, 1, 20, 8, 0), Channel: "email", Type: "complaint", Nature: "anonymous", Signers: 1,
		Sign: "primary", Status: "not_considered", Result: "not_considered", Due: "2024-02-19", Answered: ptr(kyiv(2024, 1, 22, 8, 0)),
		Subjects: []string{"06"}, Settlement: "Зразкове"},
	// Answered at 00:30 Kyiv on the day after the due date, which is still the due date in UTC: overdue.
	{N: 1, Received: kyiv(2024, 2, 1, 9, 0), Channel: "phone", Type: "application", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "answered", Result: "refused", Due: "2024-03-02", Answered: ptr(kyiv(2024, 3, 3, 0, 30)),
		Subjects: []string{"25"}, Gender: "male", Settlement: "Зелене"},
	{N: 1, Received: kyiv(2024, 2, 2, 9, 0), Channel: "reception", Type: "proposal", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "forwarded", Result: "forwarded", Due: "2024-03-03", Answered: ptr(kyiv(2024, 2, 5, 9, 0)),
		Subjects: []string{"02"}},
	// The quarter's edges in Kyiv time: both in Q1 although one is 2023 in UTC.
	{N: 1, Received: kyiv(2024, 1, 1, 0, 30), Channel: "mail", Type: "proposal", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "answered", Result: "resolved", Due: "2024-01-31", Answered: ptr(kyiv(2024, 1, 15, 9, 0)),
		Subjects: []string{"13"}, Settlement: "Зразкове"},
	{N: 1, Received: kyiv(2024, 3, 31, 23, 30), Channel: "mail", Type: "proposal", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "answered", Result: "resolved", Due: "2024-04-30", Answered: ptr(kyiv(2024, 4, 2, 9, 0)),
		Subjects: []string{"13"}, Settlement: "Зразкове"},
	// Outside the quarter: 1 April in Kyiv (still 31 March in UTC), and a question on the last day of 2023.
	{N: 1, Received: kyiv(2024, 4, 1, 0, 30), Channel: "mail", Type: "complaint", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "registered", Due: "2024-05-01", Subjects: []string{"01"}},
	{N: 1, Received: kyiv(2023, 12, 31, 23, 0), Channel: "mail", Type: "complaint", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "answered", Result: "resolved", Due: "2024-01-30", Answered: ptr(kyiv(2024, 1, 3, 9, 0)), Subjects: []string{"01"}},
	// A year earlier: two telephone appeals in Q1 2023.
	{N: 2, Received: kyiv(2023, 2, 14, 9, 0), Channel: "phone", Type: "application", Nature: "individual", Signers: 1,
		Sign: "primary", Status: "answered", Result: "resolved", Due: "2023-03-16", Answered: ptr(kyiv(2023, 3, 1, 9, 0)),
		Subjects: []string{"09"}, Settlement: "Зелене"},
}

// Expected are the figures of Q1 2024 in the data set, counted by hand.
var Expected = struct {
	Appeals, Questions, Citizens, Overdue, Previous int64
	ByChannel, ByType, ByNature, BySign, ByResult   map[string]int64
	ByGender, ByCategory, BySocialStatus            map[string]int64
	Subjects                                        map[string]int64
	Shares                                          map[string]float64
	BySettlementName                                map[string]int64 // by the settlement's name; "" not determined
}{
	Appeals: 15, Questions: 18, Citizens: 24, Overdue: 3, Previous: 2,
	ByChannel: map[string]int64{"gov_hotline": 5, "oda_hotline": 3, "portal": 2, "email": 1, "phone": 1, "reception": 1, "mail": 2},
	ByType:    map[string]int64{"complaint": 6, "application": 4, "proposal": 5},
	ByNature:  map[string]int64{"individual": 11, "collective": 3, "anonymous": 1},
	BySign:    map[string]int64{"primary": 12, "repeat": 3},
	ByResult: map[string]int64{"resolved": 7, "explained": 3, "pending": 2, "not_considered": 1, "refused": 1,
		"forwarded": 1},
	ByGender:         map[string]int64{"female": 2, "male": 1, "unknown": 12},
	ByCategory:       map[string]int64{"idp": 2, "combatant": 2},
	BySocialStatus:   map[string]int64{"pensioner": 2, "unknown": 13},
	Subjects:         map[string]int64{"09": 8, "06": 4, "10": 2, "25": 1, "02": 1, "13": 2},
	Shares:           map[string]float64{"09": 44.4, "06": 22.2, "10": 11.1, "25": 5.6, "02": 5.6, "13": 11.1},
	BySettlementName: map[string]int64{"Зразкове": 8, "Зелене": 4, "": 3},
}

// Insert writes the data set (and two petitions) and returns the department's id.
func Insert(t testing.TB, db *gorm.DB) int64 {
	t.Helper()
	now := time.Now().UTC()
	var dep struct{ ID int64 }
	if err := db.Raw("INSERT INTO departments (name_uk, name_en, active, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		"Управління житлово-комунального господарства", "Housing and Utilities", true, now).Scan(&dep).Error; err != nil {
		t.Fatal(err)
	}
	places := map[string]int64{}
	for _, name := range Settlements {
		var st struct{ ID int64 }
		if err := db.Raw("INSERT INTO settlements (name_uk, active, created_at) VALUES (?, ?, ?) RETURNING id",
			name, true, now).Scan(&st).Error; err != nil {
			t.Fatal(err)
		}
		places[name] = st.ID
	}
	seq := 0
	for _, s := range Specs {
		for range s.N {
			seq++
			var depID *int64
			if s.Department {
				depID = &dep.ID
			}
			var answered *time.Time
			if s.Answered != nil {
				answered = ptr(s.Answered.UTC())
			}
			due, err := time.Parse(time.DateOnly, s.Due)
			if err != nil {
				t.Fatal(err)
			}
			var placeID *int64
			if id, ok := places[s.Settlement]; ok {
				placeID = &id
			}
			id := AppealRow(t, db, Appeal{Seq: seq, Received: s.Received.UTC(), Channel: s.Channel, Type: s.Type,
				Nature: s.Nature, Signers: s.Signers, Sign: s.Sign, Priority: s.Priority, Status: s.Status, Result: s.Result,
				Due: due, Answered: answered, Gender: s.Gender, Categories: s.Categories, Social: s.Social, DepartmentID: depID,
				SettlementID: placeID})
			for i, code := range s.Subjects {
				QuestionRow(t, db, id, i+1, code)
			}
		}
	}
	var person struct{ ID int64 }
	if err := db.Raw(`INSERT INTO persons (issuer, subject, last_name, first_name, created_at, last_sign_in_at)
		VALUES ('test', 'report-author', 'Коваль', 'Ірина', ?, ?) RETURNING id`, now, now).Scan(&person).Error; err != nil {
		t.Fatal(err)
	}
	// Created, published, past the threshold and answered within Q1 2024; and one created in December and
	// published in January.
	petition(t, db, person.ID, kyiv(2024, 1, 15, 10, 0), ptr(kyiv(2024, 1, 16, 10, 0)), ptr(kyiv(2024, 2, 1, 10, 0)), ptr(kyiv(2024, 2, 20, 10, 0)))
	petition(t, db, person.ID, kyiv(2023, 12, 20, 10, 0), ptr(kyiv(2024, 1, 5, 10, 0)), nil, nil)
	return dep.ID
}

// Appeal is one row of appeals with the columns the report reads.
type Appeal struct {
	Seq                                         int
	Received                                    time.Time
	Channel, Type, Nature, Sign, Status, Result string
	Signers                                     int
	Priority                                    bool
	Due                                         time.Time
	Answered                                    *time.Time
	Gender, Categories, Social                  string
	DepartmentID                                *int64
	SettlementID                                *int64
}

// AppealRow inserts one appeal with every NOT NULL column set and returns its id.
func AppealRow(t testing.TB, db *gorm.DB, a Appeal) int64 {
	t.Helper()
	var row struct{ ID int64 }
	year := a.Received.Year()
	err := db.Raw(`INSERT INTO appeals (reg_index, reg_year, reg_seq, received_at, channel, type, nature, signers, sign,
		priority, status, result, due_date, answered_at, author_last_name, author_gender, author_categories,
		author_social_status, department_id, settlement_id, summary, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		fmt.Sprintf("Т-%d/%d", a.Seq, year%100), year, a.Seq, a.Received, a.Channel, a.Type, a.Nature, a.Signers, a.Sign,
		a.Priority, a.Status, a.Result, a.Due, a.Answered, "Тестенко", a.Gender, a.Categories, a.Social, a.DepartmentID,
		a.SettlementID, "Звернення для звіту", a.Received, a.Received).Scan(&row).Error
	if err != nil {
		t.Fatal(err)
	}
	return row.ID
}

// QuestionRow inserts one question of an appeal.
func QuestionRow(t testing.TB, db *gorm.DB, appealID int64, position int, subject string) {
	t.Helper()
	if err := db.Exec("INSERT INTO appeal_questions (appeal_id, position, subject_code, text) VALUES (?, ?, ?, ?)",
		appealID, position, subject, "Питання "+strings.TrimSpace(subject)).Error; err != nil {
		t.Fatal(err)
	}
}

func petition(t testing.TB, db *gorm.DB, author int64, created time.Time, published, reached, answered *time.Time) {
	t.Helper()
	utc := func(p *time.Time) *time.Time {
		if p == nil {
			return nil
		}
		return ptr(p.UTC())
	}
	err := db.Exec(`INSERT INTO petitions (author_person_id, author_name, title, text, subject_code, state, threshold,
		collection_days, created_at, moderation_due, published_at, threshold_reached_at, answered_at, updated_at)
		VALUES (?, 'Ірина Коваль', 'Петиція', 'Текст петиції', '09', 'collecting', 250, 60, ?, ?, ?, ?, ?, ?)`,
		author, created.UTC(), created.UTC(), utc(published), utc(reached), utc(answered), created.UTC()).Error
	if err != nil {
		t.Fatal(err)
	}
}
