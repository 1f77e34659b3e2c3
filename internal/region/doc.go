// Package region knows China's administrative divisions (行政区划) by their
// 12-digit statistical division codes (统计用区划代码) of the National Bureau of
// Statistics, whose first six digits are the GB/T 2260 code:
//
//	53 01 02 001 001
//	│  │  │  │   └─ village (村/居民委员会)     530102001001
//	│  │  │  └───── township (乡/镇/街道)      530102001000
//	│  │  └──────── county (县/区/县级市)       530102000000
//	│  └─────────── prefecture (市/州)          530100000000
//	└────────────── province (省)               530000000000
//
// A code's level follows from its trailing zeros (LevelOf), and a division lies
// within another's jurisdiction exactly when its code starts with the other's
// significant prefix (Prefix, Contains); stores scope queries with
// "code LIKE prefix%".
//
// Yunnan's divisions down to the villages are embedded (Yunnan, YunnanTree);
// ParseCSV reads the same format from an upload, and a Tree indexes a set of
// divisions for lookups, children, ancestors and paths.
package region
