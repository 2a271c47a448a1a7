// Package checklist models the inspection-item list (随机抽查事项清单, the
// "一单" of 一单两库一细则) that every random draw must be made against, and
// enforces rules R1–R5 of the 双随机、一公开 regime.
//
// # Items
//
// An Item (抽查事项) carries every element rule R2 requires: code (事项编码),
// name, target type (检查对象), category (事项类别: key 重点 or general 一般),
// inspection methods (检查方式, rule R5: 查阅资料, 实地核查, 网络监测, plus
// 专业机构核查 seen on provincial lists), inspecting department (检查主体),
// legal basis (检查依据), sampling ratio bounds (抽查比例) and frequency
// (抽查频次), required inspector qualifications, measures, procedure and
// result handling.
//
// Validation (Config.ValidateItem, Config.ValidateItems) enforces:
//   - R1: an item without a legal basis is invalid (ErrNoLegalBasis) — law
//     that prescribes no inspection allows none (法律法规规章没有规定的，一律
//     不得擅自开展检查);
//   - R4: key items carry no upper ratio bound (ErrKeyItemCapped); general
//     items are capped at Config.GeneralCap (ErrOverCap). The seed documents
//     only say the general ratio is "strictly limited"; the 20% default is
//     this library's choice and is configuration;
//   - R2/R5: required fields present, methods and category known.
//
// Ratios are fractions held as shopspring/decimal values, never floats:
// "5%" is 0.05. ParseRatio reads the wordings agencies use ("不低于5%",
// "3%-10%", "不超过10%", "不设上限"); ParseFrequency reads "每年1次",
// "1次/年", "每半年1次" (exactly that many rounds), "每年至少1次" (a lower
// bound), "每年最多2次" (an upper bound, rule R2 over-frequency), "每年1-2次"
// and "根据监管需要确定" (frequency left to the bureau, rule R8).
//
// # Import
//
// ReadCSV and ReadXLSX import a checklist from the spreadsheet an agency
// publishes, with its Chinese headers (序号, 事项编码, 抽查事项, 检查对象,
// 事项类别, 检查方式, 检查主体, 检查依据, 抽查内容, 抽查比例, 抽查频次,
// 检查人员资格, 抽查措施, 抽查监管程序, 抽查结果处理) or the English JSON
// names of Item's fields. CSV may be UTF-8, with or without a byte order
// mark, or GB18030. A title line above the header is skipped. Every bad row
// is reported, not only the first: the error is a RowErrors whose elements
// are *RowError values naming file, row (as the spreadsheet shows it),
// item code, column as written and value; errors.Is finds the reason.
//
// # Versions
//
// The checklist changes over time and every change is published (rule R3).
// FirstVersion and NextVersion build numbered versions with an effective
// date; NextVersion returns the Diff from the previous version (items
// added, removed and changed, field by field, in code order) and refuses a
// version equal to its predecessor. Version.PublishJSON and Diff.PublishJSON
// give the machine form (RFC 8785 canonical JSON, stable bytes for hashing
// and signing); PublishText gives the readable Chinese text posted on the
// agency's portal. Current finds the version in effect on a date, which is
// the only one that may be drawn for (rule R1).
//
// The package is pure: it reads from io.Reader values the caller opens, and
// holds no global mutable state.
package checklist
