package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startBrowser launches headless Chromium the way TestCitizenSubmitsAppealInBrowser does (desktop
// viewport, console watched) and returns a tab. Everything, the browser included, stops after timeout.
func startBrowser(t *testing.T, chromium string, timeout time.Duration) *browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	t.Cleanup(cancelAlloc)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	b := &browser{t: t, ctx: tabCtx, dir: screenshotDir(t)}
	b.do("start the browser", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	b.watchConsole()
	return b
}

// screenshots saves the current page at desktop and phone width as name-desktop.png and name-phone.png,
// and leaves the desktop viewport on.
func (b *browser) screenshots(name string) {
	b.t.Helper()
	b.screenshot(name + "-desktop")
	b.do("view "+name+" on a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile))
	b.screenshot(name + "-phone")
	b.do("back to the desktop", chromedp.EmulateViewport(desktopWidth, desktopHeight))
}

// eval evaluates a JavaScript expression on the page.
func eval[T any](b *browser, step, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail(step, err)
	}
	return v
}
