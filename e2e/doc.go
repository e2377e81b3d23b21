// Package e2e holds end-to-end tests that drive the real program in a headless Chromium, as a person
// would: sign in at the development identity provider, fill in and send an appeal, find it in the list.
// axe_test.go checks every page state of both areas in both languages with the vendored axe-core
// (testdata/axe) and the width of each page; keyboard_test.go counts tab stops with real key presses.
//
// The tests look for Chromium in $HROMADA_CHROMIUM, /usr/bin/chromium, chromium in PATH and
// google-chrome. Without one they skip, unless HROMADA_REQUIRE_BROWSER=1 (as in CI), then they fail.
// Screenshots go to $HROMADA_SCREENSHOTS when it is set, otherwise to a temporary directory.
package e2e
