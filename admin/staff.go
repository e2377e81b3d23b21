package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/web"
)

func personID(c *fiber.Ctx) int64 {
	if p := web.PersonOf(c); p != nil {
		return p.ID
	}
	return 0
}
