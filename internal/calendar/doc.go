// Package calendar is the PRC working-day calendar behind every deadline in
// SafetyNet: "decide within 10 working days of acceptance", "publish for 7
// days", "pay from the month after the decision".
//
// China does not simply rest on weekends. Each year the State Council
// General Office publishes the year's public holiday arrangement
// (国务院办公厅关于XXXX年部分节假日安排的通知): festival breaks that take
// weekdays off (放假), and make-up working days (调休上班) that turn a
// Saturday or Sunday into a working day to pay for them. A deadline
// counted in plain Monday-to-Friday days is wrong around every long break,
// so all working-day arithmetic goes through a Calendar.
//
// Default returns the calendar for 2015–2026 embedded from data/cn.csv.
// Administrators can load a newer year with ParseCSV and New or With, so a
// published notice does not have to wait for a release. Outside the years
// a calendar Covers, it falls back to Monday to Friday; callers should
// warn when they compute a deadline there.
//
// Dates are civil dates (Date), not instants: FromTime turns an instant
// into the date in China, whatever the server's time zone.
package calendar
