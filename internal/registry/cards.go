package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/reportcells"
	"github.com/hromada/hromada/internal/settlement"
)

// Cards of other systems (a hotline's export read through an import profile, internal/intake) enter the
// registry here: checked by the one content validator, known by (source, external number), numbered,
// derived and inserted as every other appeal is. The intake reads the file; the registry owns the rows.

const auditImportCards = `appeal.import_cards` // an audit action code, not a message id

// insertBatch is the rows of one multi-row INSERT of imported appeals. The pure-Go SQLite driver binds a statement's
// parameters in time that grows with their square: with 500 rows of some 50 columns, binding took 14 of
// the 17 seconds of importing 10,000 cards; with 100 rows it still took 14 of the 46 seconds of importing
// 100,000 rows on SQLite, with 25 rows 3.5 (bench/import); PostgreSQL's import with 25 measured within the
// spread of its import with 100.
const insertBatch = 25

// Card is one card of a source's export, as the intake read it: what the appeal says, with the source, the
// card's number and date, and the centre's control date.
type Card struct {
	Line  int // where the card is in the file, for the problems and the preview
	Input RegisterInput
	// ControlDate is the centre's control date (a calendar date, midnight UTC). A control date before
	// the registry's own due date brings the due date forward; a later one never moves it (Art. 20).
	ControlDate *time.Time
}

// CardProblem is one problem of a card's content under the content field it concerns (last_name,
// address, type, question_subject, …); the intake says it under the source's own column.
type CardProblem struct {
	Field   string
	Message string // an i18n id, import.error.*
	Value   string
	Want    string
}

// SplitName reads "Прізвище Ім'я По батькові" (a patronymic may be more than one word).
func SplitName(full string) (last, first, patronymic string) { return splitName(full) }

// CheckCard normalises a card's content and checks it as a record registered elsewhere (the rules of
// checkContent with newAppeal false), returning every problem in the import's words.
func (s *Service) CheckCard(in *RegisterInput) []CardProblem {
	var out []CardProblem
	subjects := len(in.Questions)
	for _, pr := range s.checkContent(in, false) {
		cp := CardProblem{Field: pr.field}
		switch pr.code {
		case probRequired:
			cp.Message = "import.error.required"
		case probTooLong:
			cp.Message, cp.Want = "import.error.too_long", strconv.Itoa(pr.limit)
		case probTooMany:
			cp.Message, cp.Value, cp.Want = "import.error.too_many_subjects", strconv.Itoa(subjects), strconv.Itoa(pr.limit)
		case probUnknown:
			cp.Message, cp.Value, cp.Want = "import.error.unknown_code", pr.value, codesOf(s.listOf(pr.field))
		case probDigits:
			cp.Message, cp.Value = "import.error.name_digits", cardValue(in, pr.field)
		case probEmail:
			cp.Message, cp.Value = "import.error.email", in.Email
		case probPhone:
			cp.Message, cp.Value = "import.error.phone", in.Phone
		case probFuture:
			cp.Message, cp.Value = "import.error.future", s.clock.Date(in.ReceivedAt).Format("02.01.2006")
		case probSigners, probSingle:
			cp.Message, cp.Value = "import.error.signers_single", strconv.Itoa(in.Signers)
		default:
			continue
		}
		out = append(out, cp)
	}
	return out
}

func cardValue(in *RegisterInput, field string) string {
	switch field {
	case fieldLastName:
		return in.LastName
	case fieldFirstName:
		return in.FirstName
	case fieldPatronymic:
		return in.Patronymic
	}
	return ""
}

// KnownCard is a card of the file the registry already has.
type KnownCard struct {
	Line     int
	Number   string
	AppealID int64
	RegIndex string
	// Changed lists the content fields the export now says otherwise than the registered card (last_name,
	// address, summary, question_subject, …). They are reported, never written over: the card in the
	// registry has been worked on since.
	Changed []string
}

// AddedCard is a card the import registered.
type AddedCard struct {
	Line     int
	Number   string
	AppealID int64
	RegIndex string
}

// CardsResult is what an accepted file did.
type CardsResult struct {
	Added []AddedCard
	Known []KnownCard
}

// KnownCards finds the cards the registry already has from the source, with what changed in each.
func (s *Service) KnownCards(ctx context.Context, sourceID int64, cards []Card) ([]KnownCard, error) {
	return s.knownCards(s.db.WithContext(ctx), sourceID, cards)
}

func (s *Service) knownCards(tx *gorm.DB, sourceID int64, cards []Card) ([]KnownCard, error) {
	byNumber := make(map[string]*Card, len(cards))
	numbers := make([]string, 0, len(cards))
	for i := range cards {
		n := strings.TrimSpace(cards[i].Input.ExternalNumber)
		byNumber[n] = &cards[i]
		numbers = append(numbers, n)
	}
	var known []KnownCard
	for chunk := range slices.Chunk(numbers, importLookupBatch) {
		var found []Appeal
		err := tx.Where("source_id = ? AND external_number IN ?", sourceID, chunk).Order("id").Find(&found).Error
		if err != nil {
			return nil, fmt.Errorf("find known cards: %w", err)
		}
		subjects, err := subjectsOf(tx, found)
		if err != nil {
			return nil, err
		}
		for i := range found {
			a := &found[i]
			c := byNumber[a.ExternalNumber]
			known = append(known, KnownCard{Line: c.Line, Number: a.ExternalNumber, AppealID: a.ID, RegIndex: a.RegIndex,
				Changed: s.changedFields(a, subjects[a.ID], c)})
		}
	}
	slices.SortFunc(known, func(a, b KnownCard) int { return a.Line - b.Line })
	return known, nil
}

// subjectsOf reads the subject codes of the appeals' questions, in their order.
func subjectsOf(tx *gorm.DB, appeals []Appeal) (map[int64][]string, error) {
	ids := make([]int64, len(appeals))
	for i, a := range appeals {
		ids[i] = a.ID
	}
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var qs []Question
	if err := tx.Where("appeal_id IN ?", ids).Order("appeal_id, position").Find(&qs).Error; err != nil {
		return nil, fmt.Errorf("questions of known cards: %w", err)
	}
	for _, q := range qs {
		out[q.AppealID] = append(out[q.AppealID], q.SubjectCode)
	}
	return out, nil
}

// changedFields compares what the registered card says with the card of the file.
func (s *Service) changedFields(a *Appeal, subjects []string, c *Card) []string {
	in := c.Input
	var codes []string
	for _, q := range in.Questions {
		codes = append(codes, q.SubjectCode)
	}
	sameDay := func(x, y *time.Time) bool {
		return (x == nil) == (y == nil) && (x == nil || x.UTC().Format(time.DateOnly) == y.UTC().Format(time.DateOnly))
	}
	checks := []struct {
		field string
		same  bool
	}{
		{fieldReceivedAt, a.ReceivedAt.Equal(in.ReceivedAt)},
		{fieldExternalRef, sameDay(a.ExternalDate, in.ExternalDate)},
		{fieldType, a.Type == in.Type},
		{fieldSign, a.Sign == in.Sign},
		{fieldLastName, a.AuthorLastName == in.LastName},
		{fieldFirstName, a.AuthorFirstName == in.FirstName},
		{fieldPatronymic, a.AuthorPatronymic == in.Patronymic},
		{fieldAddress, a.AuthorAddress == in.Address},
		{fieldPhone, a.AuthorPhone == in.Phone},
		{fieldEmail, a.AuthorEmail == in.Email},
		{fieldCategories, a.AuthorCategories == strings.Join(in.Categories, ";")},
		{fieldSocialStatus, a.AuthorSocialStatus == in.SocialStatus},
		{fieldQuestionSubject, slices.Equal(subjects, codes)},
		{fieldSummary, a.Summary == in.Summary},
	}
	var changed []string
	for _, ch := range checks {
		if !ch.same {
			changed = append(changed, ch.field)
		}
	}
	return changed
}

// CardsOptions say where the cards come from, for the audit log.
type CardsOptions struct {
	FileName string
}

// ImportCards registers the source's cards the registry does not have yet, all in one transaction: a
// card with a problem refuses the whole file (errs.Invalid), cards already registered are left as they
// are (reported with what changed), and a card another import registers at the same moment refuses this
// one (errs.Conflict, ErrKnownCard), so nothing is ever registered twice or half. New cards get the next
// numbers of their year of receipt and their due dates as every registration does; they send no notices
// (the contact centre has told the author) and their timeline says they came in a file.
func (s *Service) ImportCards(ctx context.Context, sourceID int64, cards []Card, o CardsOptions) (*CardsResult, error) {
	for i := range cards {
		cards[i].Input.SourceID = &sourceID
		if problems := s.CheckCard(&cards[i].Input); len(problems) > 0 {
			return nil, errs.New(errs.Invalid, "intake.error.card_invalid")
		}
	}
	res := &CardsResult{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		known, err := s.knownCards(tx, sourceID, cards)
		if err != nil {
			return err
		}
		res.Known = known
		taken := map[string]bool{}
		for _, k := range known {
			taken[k.Number] = true
		}
		var fresh []*Card
		for i := range cards {
			if !taken[cards[i].Input.ExternalNumber] {
				fresh = append(fresh, &cards[i])
			}
		}
		appeals, err := s.cardAppeals(ctx, tx, fresh)
		if err != nil {
			return err
		}
		if err := insertAppeals(tx, appeals); err != nil {
			return err
		}
		for i, a := range appeals {
			res.Added = append(res.Added, AddedCard{Line: fresh[i].Line, Number: a.ExternalNumber, AppealID: a.ID, RegIndex: a.RegIndex})
		}
		changed := 0
		for _, k := range known {
			if len(k.Changed) > 0 {
				changed++
			}
		}
		return audit.Record(ctx, tx, auditImportCards, "source", sourceID,
			fmt.Sprintf("file=%q cards=%d added=%d known=%d changed=%d", o.FileName, len(cards), len(appeals), len(known), changed))
	})
	if err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, errs.New(errs.Conflict, ErrKnownCard) // another import registered one of the cards meanwhile
		}
		return nil, fmt.Errorf("import cards: %w", err)
	}
	return res, nil
}

// cardAppeals builds the new cards' appeals: numbered in blocks per year of receipt (one counter update
// per year, in the order the cards were received), derived, the due date brought forward to the
// centre's control date when that comes first.
func (s *Service) cardAppeals(ctx context.Context, tx *gorm.DB, cards []*Card) ([]*Appeal, error) {
	if len(cards) == 0 {
		return nil, nil
	}
	places, err := settlement.LoadIndex(ctx, tx, s.clf.SettlementKinds)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	actor := audit.ActorOf(ctx).PersonID
	var by *int64
	if actor != 0 {
		by = &actor
	}
	appeals := make([]*Appeal, len(cards))
	byYear := map[int][]*Appeal{}
	for i, c := range cards {
		a := appealOf(&c.Input)
		a.CreatedAt, a.UpdatedAt = now, now
		a.RegYear = s.clock.Date(a.ReceivedAt).Year()
		a.Events = []Event{{OccurredAt: now, Kind: EventRegistered, ActorPersonID: by}}
		appeals[i] = a
		byYear[a.RegYear] = append(byYear[a.RegYear], a)
	}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	slices.Sort(years) // one order of counter locks for every transaction
	for _, y := range years {
		list := byYear[y]
		slices.SortStableFunc(list, func(a, b *Appeal) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
		var last int
		err := tx.Raw(`INSERT INTO registry_counters (year, last_seq) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last_seq = registry_counters.last_seq + excluded.last_seq
			RETURNING last_seq`, y, len(list)).Scan(&last).Error
		if err != nil {
			return nil, fmt.Errorf("registration numbers: %w", err)
		}
		for i, a := range list {
			a.RegSeq = last - len(list) + 1 + i
			a.RegIndex = FormatIndex(s.pattern, a.AuthorLastName, a.Nature, s.clock.Date(a.ReceivedAt), a.RegSeq)
		}
	}
	for i, a := range appeals {
		s.deriveNew(a, places)
		if cd := cards[i].ControlDate; cd != nil && cd.Before(a.DueDate) {
			a.DueDate = *cd
		}
	}
	return appeals, nil
}

// insertAppeals writes imported appeals, numbered and derived, in multi-row INSERTs, then their questions
// and timeline lines: the registry's CSV import and the cards of other systems alike. The report's cells
// take them all at once at the end (reportcells.Pause), not a trigger's write per statement.
func insertAppeals(tx *gorm.DB, appeals []*Appeal) (err error) {
	if len(appeals) == 0 {
		return nil
	}
	cells, err := reportcells.Pause(tx)
	if err != nil {
		return err
	}
	restore, err := db.BulkCache(tx)
	if err != nil {
		return err
	}
	defer func() { // on every path: a failed insert must not leave the writer with the large cache
		if rerr := restore(); err == nil {
			err = rerr
		}
	}()
	for chunk := range slices.Chunk(appeals, insertBatch) {
		if err := tx.Omit(clause.Associations).Create(chunk).Error; err != nil {
			return fmt.Errorf("insert imported appeals: %w", err)
		}
	}
	var questions []Question
	var events []Event
	for _, a := range appeals {
		for _, q := range a.Questions {
			q.AppealID = a.ID
			questions = append(questions, q)
		}
		for _, e := range a.Events {
			e.AppealID = a.ID
			events = append(events, e)
		}
	}
	for chunk := range slices.Chunk(questions, importQuestionBatch) {
		if err := tx.Create(chunk).Error; err != nil {
			return fmt.Errorf("insert imported questions: %w", err)
		}
	}
	for chunk := range slices.Chunk(events, importQuestionBatch) {
		if err := tx.Create(chunk).Error; err != nil {
			return fmt.Errorf("insert imported timeline: %w", err)
		}
	}
	if len(appeals) >= importAnalyzeAfter && tx.Dialector.Name() == "postgres" {
		// Until autovacuum gets round to it, the planner believes the table as small as before the
		// import and reads it whole for every lookup (a second import of 100,000 rows took two minutes
		// instead of two seconds; the cells' sums below too). Fresh statistics commit with the rows.
		if err := tx.Exec("ANALYZE appeals, appeal_questions").Error; err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	ids := make([]int64, len(appeals))
	for i, a := range appeals {
		ids[i] = a.ID
	}
	return cells.Add(tx, ids)
}

// AnsweredCard is one card of a source with its answer, for the results sent back to the source.
type AnsweredCard struct {
	AppealID       int64
	RegIndex       string
	ExternalNumber string
	ExternalDate   *time.Time
	Result         string
	AnsweredAt     time.Time
	OutNumber      string
	AnswerText     string
	Executor       string // who prepared the answer, as its letter names them
}

// AnsweredCards lists the source's cards answered (given a result) from one date to another inclusive,
// in the council's zone, in the order they were answered. The executor is the one the answer's letter in
// the outgoing register names.
func (s *Service) AnsweredCards(ctx context.Context, sourceID int64, from, to time.Time) ([]AnsweredCard, error) {
	zone := s.clock.Zone()
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, zone)
	end := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, zone)
	var rows []struct {
		Appeal
		LetterExecutor string
	}
	err := s.db.WithContext(ctx).Table("appeals").
		Select("appeals.*, COALESCE(l.executor_name, '') AS letter_executor").
		Joins("LEFT JOIN outgoing_letters l ON l.out_number = appeals.answer_out_number AND l.appeal_id = appeals.id").
		Where("appeals.source_id = ? AND appeals.external_number <> '' AND appeals.result <> ''", sourceID).
		Where("appeals.answered_at >= ? AND appeals.answered_at < ?", start.UTC(), end.UTC()).
		Order("appeals.answered_at, appeals.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("answered cards: %w", err)
	}
	out := make([]AnsweredCard, len(rows))
	for i, r := range rows {
		out[i] = AnsweredCard{AppealID: r.ID, RegIndex: r.RegIndex, ExternalNumber: r.ExternalNumber,
			ExternalDate: r.ExternalDate, Result: r.Result, AnsweredAt: *r.AnsweredAt, OutNumber: r.AnswerOutNumber,
			AnswerText: r.AnswerText, Executor: r.LetterExecutor}
	}
	return out, nil
}

// CardField names a content field of CardProblem and KnownCard.Changed for the intake's column map.
const (
	CardFieldReceivedAt = fieldReceivedAt
	CardFieldNumber     = fieldExternalRef
	CardFieldType       = fieldType
	CardFieldSign       = fieldSign
	CardFieldLastName   = fieldLastName
	CardFieldFirstName  = fieldFirstName
	CardFieldPatronymic = fieldPatronymic
	CardFieldAddress    = fieldAddress
	CardFieldPhone      = fieldPhone
	CardFieldEmail      = fieldEmail
	CardFieldCategories = fieldCategories
	CardFieldSocial     = fieldSocialStatus
	CardFieldSubject    = fieldQuestionSubject
	CardFieldQuestions  = fieldQuestions
	CardFieldSummary    = fieldSummary
)
