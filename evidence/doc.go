// Package evidence models the whole-process record (全过程记录, rule R24) of
// an inspection: the inspection documents (检查文书) and the audio and video
// (音频、视频) of its key steps — on-site inspection (现场检查), notice of
// rights (权利告知), statement and defence (陈述申辩) — and the evidence
// taken on a finding (初步提取证据, rule R21).
//
// An Attachment is content-addressed: it names a file by its SHA-256 digest
// and size, with its media type, the step it records, who recorded it and
// when. Result entries (package publish) and trail events (package trail)
// carry attachments, never the bytes: the file itself (the blob) goes to
// storage, and anyone holding the file and the published attachment can
// check one against the other with Verify or VerifyReader, which report a
// *MismatchError (errors.Is ErrMismatch) naming the size or digest that
// differs. A changed, truncated or substituted recording is therefore
// detected as long as the attachment was published or chained in the
// trail (rules R29, R31) before the file could be altered.
//
// Not to be confused with draw.Evidence, the revealed randomness of a draw.
//
// The package is pure: it reads files only through the io.Reader or bytes
// a caller hands it, and takes the recording time as a value.
package evidence
