// Package publish produces the "one public" (一公开) half of 双随机、一公开:
// announcements, inspection results and their publication (公示), signed
// corrections, the public view and its exports, and the summary report
// (rules R3, R9, R16, R21–R27).
//
// # Announcements
//
// AnnounceChecklist (R3), AnnouncePlan (R9, with adjustments), AnnounceTask
// (R16, at lock, with the draw's proof fields) and AnnounceResults (R26)
// each return a Document: the structured input as given, a readable Chinese
// text, and the SHA-256 of the input's RFC 8785 canonical JSON, so a printed
// notice can be tied to its data. The inputs are small structs of this
// package; publish does not import checklist, plan or draw.
//
// # Results
//
// A Result is the outcome at one target of one task (R21, R22). Its
// conclusions come from the GSXT 双随机 set (国家企业信用信息公示系统):
//
//	未发现问题 · 未按规定公示应当公示的信息 · 公示信息隐瞒真实情况弄虚作假 ·
//	通过登记的住所（经营场所）无法联系 · 发现问题已责令改正 · 不配合检查情节严重 ·
//	未发现开展本次抽查涉及的经营活动 · 发现问题待后续处理
//
// plus one entity-status outcome at most (注销, 吊销, 撤销, 迁出,
// 已关闭停业或正在组织清算). Several may apply; 未发现问题 excludes the others.
// CheckConclusions lists every rule. The city bureau's three opinions (000
// 四(五)) map onto this set, many-to-one:
//
//	未发现异常  ⇐ {未发现问题}
//	责令整改    ⇐ any set containing 发现问题已责令改正 (with a 责令整改 measure)
//	其他        ⇐ everything else
//
// (SeedOutcomeOf, FromSeedOutcome). A result also records per-item
// findings, the measures taken (现场笔录, 证据, 责令停止, 责令整改, 立案, 移送其他
// 机关, 移送司法机关 — R21), follow-up (后续处置), the draw's proof fields, the
// whole-process record (全过程记录, R24: documents and audio/video of key
// steps as evidence.Attachment values, by SHA-256 digest, covered by
// HashResult and never shown in the public view), and, when the law forbids
// disclosure, a Withholding with the legal basis: such a result is recorded
// but never published.
//
// # Deadline
//
// Results are due DueWorkdays working days after the task ends (R26): the
// district guideline says 2 (SeedPolicy), national practice 20
// (NationalPolicy). Working days come from package workday, including the
// State Council's make-up working days (调休). Book.Status classifies an
// entry as pending, due soon, overdue, on time, published late or withheld.
//
// # Immutability and corrections
//
// A Book holds the results. Once published, a result cannot be re-entered
// (ErrPublished). It changes only by Book.Correct with a SignedCorrection:
// the corrected result in full, the reason, the version and hash it
// corrects, and the signature of the executing unit's principal head (任务
// 执行单位主要负责人签字确认, R27) over SigningContext followed by the
// correction's canonical JSON. Signing is behind the Signer / Verifier /
// Authority interfaces; Ed25519 is built in, and an SM2 verifier can be
// added to a Keyring without touching the Book. Every version stays in the
// book and in PublicHistory.
//
// # Public view and export
//
// PublicView renders the current version of every published result as a
// PublicRecord: the GSXT fields (plan no./name, task no./name, type,
// inspecting agency, completion date, result, remark, 统一社会信用代码) plus
// the draw's algorithm, manifest hash and record hash. Inspectors' names and
// certificate numbers are masked (张*三, 330******45) unless
// ViewOptions.Unmasked. WriteCSV and WriteXLSX export the records with
// Chinese column headings (ExportColumns).
//
// # Summary and retention
//
// Book.Summarize gives the R25 summary per task and department — drawn,
// inspected, publication status, conclusion distribution (GSXT and seed
// opinions), objections (复核) and corrections — as JSON and, via Markdown, a
// readable page. Every entry, version and document carries a keep-until
// date, at least two years (R23, KeepUntil).
//
// Every step should also be written to a trail (package trail, 全程留痕).
// The package is pure: no clock, no files, no randomness except a key
// generator that reads the io.Reader it is given.
package publish
