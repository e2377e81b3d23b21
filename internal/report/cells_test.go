package report

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/report/reporttest"
	"github.com/hromada/hromada/internal/reportcells"
)

// The cells must give the live GROUP BY's figures field by field, for any period, after any change: random
// appeals over four years (some before the cells are built, the backfill; the rest after, back-dated
// too), then rounds of random changes as every write path makes them (single and multi-row INSERTs like
// the import's, routing, answers on either side of the due date's midnight in Kyiv, results, settlement
// and receipt-date corrections, question subjects added, changed, moved and removed, appeals deleted, bulk
// UPDATEs, the registry's own import of a file, refused files), each round compared on random periods and on whole years, quarters and months.
func TestCellsEqualLive(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	g := &gen{t: t, db: dbtest.Open(t), rnd: rand.New(rand.NewPCG(seed, 15))}
	g.refs()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	g.reg = registry.NewService(g.db, clf, store, registry.Options{Timezone: reporttest.Kyiv, IndexPattern: "{letter}-{seq}/{yy}"})
	ctx := context.Background()
	now := time.Date(2024, 6, 15, 9, 0, 0, 0, time.UTC)

	for range 60 {
		g.appeal(g.db)
	}
	if err := Prepare(ctx, g.db, reporttest.Kyiv); err != nil {
		t.Fatal(err)
	}
	g.sameCellsAsBuilt(ctx)
	periods := [][2]time.Time{
		{day(2024, 1, 1), day(2024, 12, 31)}, {day(2024, 1, 1), day(2024, 3, 31)}, {day(2023, 3, 1), day(2023, 3, 31)},
		{day(2023, 12, 15), day(2025, 1, 20)}, {day(2022, 1, 1), day(2025, 12, 31)}, {day(2024, 3, 31), day(2024, 3, 31)},
	}
	for round := range 8 {
		for range 25 {
			g.change()
		}
		for range 4 {
			from := day(2022, 1, 1).AddDate(0, 0, g.rnd.IntN(4*365))
			periods = append(periods, [2]time.Time{from, from.AddDate(0, 0, g.rnd.IntN(500))})
		}
		for _, p := range periods {
			live, err := compute(ctx, g.db, p[0], p[1], reporttest.Kyiv, now, false)
			if err != nil {
				t.Fatal(err)
			}
			cells, err := compute(ctx, g.db, p[0], p[1], reporttest.Kyiv, now, true)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := jsonOf(t, live), jsonOf(t, cells); a != b {
				t.Fatalf("round %d, %s – %s: the cells differ from the live tables\nlive  %s\ncells %s", round,
					p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), a, b)
			}
		}
	}
	if b, _ := split(day(2024, 1, 1), day(2024, 12, 31)); len(b) != 1 {
		t.Fatalf("a year is read from %v", b)
	}
	g.sameCellsAsBuilt(ctx)
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, reporttest.Kyiv)
}

func jsonOf(t *testing.T, r *Report) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type gen struct {
	t           *testing.T
	db          *gorm.DB
	rnd         *rand.Rand
	seq         int
	departments []int64
	settlements []int64
	ids         []int64
	reg         *registry.Service // for the registry's own import
}

func (g *gen) refs() {
	now := time.Now().UTC()
	for i := range 3 {
		var row struct{ ID int64 }
		if err := g.db.Raw("INSERT INTO departments (name_uk, name_en, active, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			fmt.Sprintf("Відділ %d", i), fmt.Sprintf("Department %d", i), true, now).Scan(&row).Error; err != nil {
			g.t.Fatal(err)
		}
		g.departments = append(g.departments, row.ID)
		if err := g.db.Raw("INSERT INTO settlements (name_uk, active, created_at) VALUES (?, ?, ?) RETURNING id",
			fmt.Sprintf("Село %d", i), true, now).Scan(&row).Error; err != nil {
			g.t.Fatal(err)
		}
		g.settlements = append(g.settlements, row.ID)
	}
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// instant is a random moment of 2022–2025, often within an hour of a Kyiv midnight at a month's turn.
func (g *gen) instant() time.Time {
	if g.rnd.IntN(3) == 0 {
		d := time.Date(2022+g.rnd.IntN(4), time.Month(1+g.rnd.IntN(12)), 1, 0, 0, 0, 0, reporttest.Kyiv)
		return d.Add(time.Duration(g.rnd.IntN(120)-60) * time.Minute).UTC()
	}
	return time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g.rnd.Int64N(4*365*24*60)) * time.Minute)
}

func (g *gen) ref(xs []int64) *int64 {
	if g.rnd.IntN(4) == 0 {
		return nil
	}
	id := pick(g.rnd, xs...)
	return &id
}

var closedStatuses = []string{"answered", "forwarded", "returned", "not_considered"}

// answer is a status, a result and an answer time: open, or closed on either side of the due date.
func (g *gen) answer(due time.Time) (string, string, *time.Time) {
	if g.rnd.IntN(3) == 0 {
		return pick(g.rnd, "registered", "in_progress", "awaiting_approval"), "", nil
	}
	status := pick(g.rnd, closedStatuses...)
	result := map[string]string{"forwarded": "forwarded", "returned": "returned", "not_considered": "not_considered"}[status]
	if result == "" {
		result = pick(g.rnd, "resolved", "refused", "explained")
	}
	// Around the Kyiv midnight that ends the due date (21:00 or 22:00 UTC), or days away.
	at := due.Add(24*time.Hour + time.Duration(g.rnd.IntN(8*60)-5*60)*time.Minute)
	if g.rnd.IntN(2) == 0 {
		at = due.Add(time.Duration(g.rnd.IntN(20*24)-10*24) * time.Hour)
	}
	return status, result, &at
}

func (g *gen) row() reporttest.Appeal {
	g.seq++
	received := g.instant()
	due := time.Date(received.Year(), received.Month(), received.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 30)
	status, result, answered := g.answer(due)
	return reporttest.Appeal{Seq: g.seq, Received: received,
		Channel: pick(g.rnd, "portal", "email", "mail", "phone", "gov_hotline", "oda_hotline"),
		Type:    pick(g.rnd, "proposal", "application", "complaint"), Nature: pick(g.rnd, "individual", "individual", "collective", "anonymous"),
		Signers: 1 + g.rnd.IntN(3), Sign: pick(g.rnd, "primary", "primary", "repeat", "duplicate"), Priority: g.rnd.IntN(5) == 0,
		Status: status, Result: result, Due: due, Answered: answered, Gender: pick(g.rnd, "male", "female", ""),
		Categories: pick(g.rnd, "", "", "idp", "combatant;disabled_2"), Social: pick(g.rnd, "", "pensioner", "worker"),
		DepartmentID: g.ref(g.departments), SettlementID: g.ref(g.settlements)}
}

func (g *gen) subject() string { return pick(g.rnd, "09", "06", "10", "01", "") }

// appeal registers one appeal with zero to two questions.
func (g *gen) appeal(db *gorm.DB) {
	id := reporttest.AppealRow(g.t, db, g.row())
	g.ids = append(g.ids, id)
	for i := range g.rnd.IntN(3) {
		reporttest.QuestionRow(g.t, db, id, i+1, g.subject())
	}
}

func (g *gen) exec(sql string, args ...any) {
	g.t.Helper()
	if err := g.db.Exec(sql, args...).Error; err != nil {
		g.t.Fatal(err)
	}
}

// change makes one random change, as one of the registry's paths makes it.
func (g *gen) change() {
	id := pick(g.rnd, g.ids...)
	switch g.rnd.IntN(13) {
	case 0: // a registration or a back-dated import row
		g.appeal(g.db)
	case 1: // an import: several appeals in one INSERT, their questions in another, in one transaction
		g.importBatch()
	case 2: // routing
		g.exec("UPDATE appeals SET department_id = ?, status = 'in_progress' WHERE id = ?", g.ref(g.departments), id)
	case 3: // an answer (or a reopening)
		var due time.Time
		if err := g.db.Raw("SELECT due_date FROM appeals WHERE id = ?", id).Row().Scan(&due); err != nil {
			g.t.Fatal(err)
		}
		status, result, answered := g.answer(due)
		g.exec("UPDATE appeals SET status = ?, result = ?, answered_at = ? WHERE id = ?", status, result, answered, id)
	case 4: // corrections of the card
		g.exec("UPDATE appeals SET settlement_id = ?, priority = ?, author_categories = ?, signers = ?, term_breach = ?, uncontrolled = ? WHERE id = ?",
			g.ref(g.settlements), g.rnd.IntN(2) == 0, pick(g.rnd, "", "idp"), 1+g.rnd.IntN(4), g.rnd.IntN(4) == 0, g.rnd.IntN(5) == 0, id)
	case 5: // the date of receipt corrected (the appeal and its questions move to another month)
		g.exec("UPDATE appeals SET received_at = ? WHERE id = ?", g.instant(), id)
	case 6: // an extension of the due date
		g.exec("UPDATE appeals SET due_date = ? WHERE id = ?", time.Date(2024, 6, 1+g.rnd.IntN(30), 0, 0, 0, 0, time.UTC), id)
	case 7: // a question added, or its subject changed
		if g.rnd.IntN(2) == 0 {
			g.exec("INSERT INTO appeal_questions (appeal_id, position, subject_code, text) SELECT ?, COALESCE(MAX(position), 0) + 1, ?, 'Питання' FROM appeal_questions WHERE appeal_id = ?",
				id, g.subject(), id)
		} else {
			g.exec("UPDATE appeal_questions SET subject_code = ? WHERE appeal_id = ?", g.subject(), id)
		}
	case 8: // a question moved to another appeal, or removed
		other := pick(g.rnd, g.ids...)
		if g.rnd.IntN(2) == 0 {
			g.exec("UPDATE appeal_questions SET appeal_id = ?, position = position + 1000 * (1 + (SELECT COUNT(*) FROM appeal_questions)) WHERE id = (SELECT MIN(id) FROM appeal_questions WHERE appeal_id = ?)", other, id)
		} else {
			g.exec("DELETE FROM appeal_questions WHERE id = (SELECT MAX(id) FROM appeal_questions WHERE appeal_id = ?)", id)
		}
	case 9: // an appeal deleted with its questions
		g.exec("DELETE FROM appeal_events WHERE appeal_id = ?", id)
		g.exec("DELETE FROM appeals WHERE id = ?", id)
		for i, x := range g.ids {
			if x == id {
				g.ids = append(g.ids[:i], g.ids[i+1:]...)
				break
			}
		}
	case 11: // the registry's import of a file (the cells paused and summed at its end), or a refused file
		g.importFile()
	case 10: // a bulk UPDATE over many rows, most of them changing nothing reported
		g.exec("UPDATE appeals SET updated_at = ?, status = CASE WHEN id % 5 = 0 AND status = 'registered' THEN 'in_progress' ELSE status END", time.Now().UTC())
	default: // an UPDATE that changes nothing reported
		g.exec("UPDATE appeals SET summary = 'Виправлено' WHERE id = ?", id)
	}
}

// importBatch inserts a few appeals with one multi-row INSERT and their questions with another, as the
// import does.
func (g *gen) importBatch() {
	err := g.db.Transaction(func(tx *gorm.DB) error {
		var values []string
		var args []any
		n := 2 + g.rnd.IntN(6)
		for range n {
			a := g.row()
			values = append(values, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Імпорт', ?, ?, ?, ?, ?, 'Імпортоване', ?, ?)")
			args = append(args, fmt.Sprintf("І-%d", a.Seq), a.Received.Year(), a.Seq, a.Received, a.Channel, a.Type, a.Nature,
				a.Signers, a.Sign, a.Priority, a.Status, a.Result, a.Due, a.Answered, a.Gender, a.Categories, a.Social,
				a.DepartmentID, a.SettlementID, a.Received, a.Received)
		}
		var ids []int64
		if err := tx.Raw(`INSERT INTO appeals (reg_index, reg_year, reg_seq, received_at, channel, type, nature, signers, sign,
			priority, status, result, due_date, answered_at, author_last_name, author_gender, author_categories,
			author_social_status, department_id, settlement_id, summary, created_at, updated_at)
			VALUES `+strings.Join(values, ", ")+" RETURNING id", args...).Scan(&ids).Error; err != nil {
			return err
		}
		values, args = nil, nil
		for _, id := range ids {
			for i := range g.rnd.IntN(3) {
				values = append(values, "(?, ?, ?, 'Питання')")
				args = append(args, id, i+1, g.subject())
			}
		}
		g.ids = append(g.ids, ids...)
		if len(values) == 0 {
			return nil
		}
		return tx.Exec("INSERT INTO appeal_questions (appeal_id, position, subject_code, text) VALUES "+strings.Join(values, ", "), args...).Error
	})
	if err != nil {
		g.t.Fatal(err)
	}
}

// importFile imports a few random appeals from a CSV file through registry.ImportAppeals, which pauses the
// cells' triggers and sums its appeals into the cells at the end; a file with a bad last row is refused
// whole, and the cells stay as they were.
func (g *gen) importFile() {
	g.t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	write := func(rec []string) {
		if err := w.Write(rec); err != nil {
			g.t.Fatal(err)
		}
	}
	write(registry.ImportColumns)
	depts := map[string]int64{}
	for i, id := range g.departments {
		depts[fmt.Sprintf("Відділ %d", i)] = id
	}
	name := func(prefix string, xs []int64, ref *int64) string {
		for i, x := range xs {
			if ref != nil && *ref == x {
				return fmt.Sprintf("%s %d", prefix, i)
			}
		}
		return ""
	}
	n := 1 + g.rnd.IntN(8)
	for range n {
		a := g.row()
		answered := ""
		if a.Answered != nil {
			answered = a.Answered.Format(time.RFC3339)
		}
		subjects := strings.Trim(g.subject()+";"+g.subject(), ";")
		if subjects == "" {
			subjects = "09"
		}
		row := map[string]string{"reg_number": fmt.Sprintf("Ф-%d", a.Seq), "received_at": a.Received.Format(time.RFC3339),
			"channel": a.Channel, "type": a.Type, "nature": a.Nature, "signers": fmt.Sprint(a.Signers), "sign": a.Sign,
			"author_name": "Коваленко Олена", "settlement": name("Село", g.settlements, a.SettlementID),
			"gender": a.Gender, "author_categories": a.Categories, "social_status": a.Social, "subjects": subjects,
			"summary": "Імпортоване звернення", "department": name("Відділ", g.departments, a.DepartmentID),
			"status": a.Status, "result": a.Result, "answered_at": answered}
		if row["signers"] = ""; a.Nature == "collective" {
			row["signers"] = fmt.Sprint(2 + g.rnd.IntN(20))
		}
		if a.Nature == "anonymous" {
			row["author_name"] = ""
		}
		if a.Channel == "portal" {
			row["channel"] = "email"
		}
		rec := make([]string, len(registry.ImportColumns))
		for i, c := range registry.ImportColumns {
			rec[i] = row[c]
		}
		write(rec)
	}
	refuse := g.rnd.IntN(4) == 0
	if refuse {
		bad := make([]string, len(registry.ImportColumns))
		bad[0], bad[1] = "Ф-0", "not a date"
		write(bad)
	}
	w.Flush()
	res, err := g.reg.ImportAppeals(context.Background(), strings.NewReader(b.String()), registry.ImportOptions{FileName: "cells.csv", Departments: depts})
	var zones int64
	if err := g.db.Raw("SELECT COUNT(*) FROM report_zone").Scan(&zones).Error; err != nil || zones != 1 {
		g.t.Fatalf("after an import the cells' zone is %d rows (%v): the triggers would stop keeping them", zones, err)
	}
	var refused *registry.ImportError
	switch {
	case refuse && errors.As(err, &refused):
		return
	case errors.As(err, &refused):
		g.t.Fatalf("import refused: %+v", refused.Problems)
	case err != nil:
		g.t.Fatalf("import: %v", err)
	case refuse || res.Added != n:
		g.t.Fatalf("import of %d rows (a bad one: %v): %+v", n, refuse, res)
	}
	var ids []int64
	if err := g.db.Raw("SELECT id FROM appeals ORDER BY id DESC LIMIT ?", n).Scan(&ids).Error; err != nil {
		g.t.Fatal(err)
	}
	g.ids = append(g.ids, ids...)
}

// sameCellsAsBuilt checks that the cells the triggers and the imports kept are the cells a build from
// scratch makes.
func (g *gen) sameCellsAsBuilt(ctx context.Context) {
	g.t.Helper()
	if err := reportcells.Verify(ctx, g.db, reporttest.Kyiv); err != nil {
		g.t.Fatal(err)
	}
}

// The registry's own paths keep the cells too: registrations (with the Go side's derived columns) and a
// settlement correction, compared with the live tables over this month and this year.
func TestCellsFollowTheRegistry(t *testing.T) {
	gdb := dbtest.Open(t)
	ctx := context.Background()
	clf, err := classifier.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := attachment.NewStore(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	reg := registry.NewService(gdb, clf, store, registry.Options{Timezone: reporttest.Kyiv, IndexPattern: "{letter}-{seq}"})
	if err := Prepare(ctx, gdb, reporttest.Kyiv); err != nil {
		t.Fatal(err)
	}
	var place struct{ ID int64 }
	if err := gdb.Raw("INSERT INTO settlements (name_uk, active, created_at) VALUES ('Зразкове', ?, ?) RETURNING id",
		true, time.Now().UTC()).Scan(&place).Error; err != nil {
		t.Fatal(err)
	}
	var last int64
	for i, ch := range []string{"phone", "mail", "reception"} {
		a, err := reg.RegisterAppeal(ctx, registry.RegisterInput{Channel: ch, LastName: "Коваленко", FirstName: "Олена",
			Address: "м. Зразкове, вул. Соборна, 1", Type: pick(rand.New(rand.NewPCG(uint64(i), 1)), "complaint", "proposal"),
			Categories: []string{"idp"}, Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Немає гарячої води"}},
			Summary: "Третій тиждень у будинку немає гарячої води.", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		last = a.ID
	}
	if err := reg.SetSettlement(ctx, last, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	today := Day(now.In(reporttest.Kyiv), reporttest.Kyiv)
	month := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, reporttest.Kyiv)
	for _, p := range [][2]time.Time{{month, month.AddDate(0, 1, -1)}, {month.AddDate(0, 1-int(month.Month()), 0), month.AddDate(0, 13-int(month.Month()), -1)}} {
		live, err := compute(ctx, gdb, p[0], p[1], reporttest.Kyiv, now, false)
		if err != nil {
			t.Fatal(err)
		}
		cells, err := compute(ctx, gdb, p[0], p[1], reporttest.Kyiv, now, true)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := jsonOf(t, live), jsonOf(t, cells); a != b || live.Appeals != 3 || live.BySettlement[Undetermined] != 1 {
			t.Fatalf("%v: the cells differ from the live tables\nlive  %s\ncells %s", p, a, b)
		}
	}
}
