package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// defaultChanges is a page of the feed when the client does not say.
const defaultChanges = 100

// Changes is a page of the feed: the changes after the cursor, and the cursor to ask from next.
type Changes struct {
	Changes []Change `json:"changes"`
	Next    string   `json:"next"`
}

// Change is one status an appeal of the source took. Cursor is the position just after it, for a client
// that stores its place change by change.
type Change struct {
	AppealID       int64     `json:"appeal_id"`
	ExternalNumber string    `json:"external_number"`
	Status         string    `json:"status"`
	Result         string    `json:"result"`
	ChangedAt      time.Time `json:"changed_at"`
	Cursor         string    `json:"cursor"`
}

// changes serves the feed of the token's source's status changes in commit order (registry.ChangesOf):
// an integration that pages with next reports results back without missing or repeating one.
func (h *handlers) changes(c *fiber.Ctx) error {
	r := web.ReadQuery(c)
	after := r.Line("after", 100)
	limit, ok := r.Int("limit", 1, registry.MaxChanges)
	if !ok {
		limit = defaultChanges
	}
	if p := r.Problems(); len(p) > 0 {
		fields := map[string]string{}
		for k, v := range p {
			fields[fieldParam+k] = v
		}
		return &errs.Error{Code: errs.Invalid, Message: msgMalformed, Fields: fields}
	}
	cursor, err := registry.ParseChangeCursor(after)
	if err != nil {
		return malformed(fieldParam+"after", "api.error.cursor")
	}
	list, next, err := h.Registry.ChangesOf(c.UserContext(), web.TokenOf(c).SourceID, cursor, int(limit))
	if err != nil {
		return err
	}
	out := Changes{Changes: make([]Change, 0, len(list)), Next: next.String()}
	for _, ch := range list {
		out.Changes = append(out.Changes, Change{AppealID: ch.AppealID, ExternalNumber: ch.ExternalNumber,
			Status: ch.Status, Result: ch.Result, ChangedAt: ch.ChangedAt.UTC(),
			Cursor: registry.ChangeCursor{TxID: ch.TxID, ID: ch.ID}.String()})
	}
	return c.JSON(out)
}
