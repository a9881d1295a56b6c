"""The command line's own words (Vietnamese, English): titles, confirmations, headings.

Core messages (problems, hints, errors, statuses, labels) live in ``domain.i18n``; this
catalogue holds only what the CLI says. ``t`` looks here first, then in the core.
"""

from __future__ import annotations

from typing import Any

from domain.i18n import Lang, lookup
from domain.i18n import t as core_t

# key: (Vietnamese, English)
CLI: dict[str, tuple[str, str]] = {
    "cli.submission_final": (
        "Chủ tịch tự nộp {task} {period}: kết quả được ghi nhận là cuối cùng (không ai phê duyệt trên Chủ tịch).",
        "The chairman's own submission of {task} {period} is final (nobody approves above the chairman).",
    ),
    "cli.init_done": (
        "Cơ sở dữ liệu sẵn sàng: {url} (phiên bản {revision}).",
        "Database ready: {url} (revision {revision}).",
    ),
    "cli.file_valid": ("{file}: hợp lệ.", "{file}: valid."),
    "cli.file_invalid": ("{file}: {n} lỗi.", "{file}: {n} problem(s)."),
    "cli.framework_loaded": (
        "Đã nạp bộ chỉ số {code} ({path}).",
        "Framework {code} loaded ({path}).",
    ),
    "cli.plan_loaded": (
        "Đã nạp kế hoạch {code} cho đơn vị {unit}.",
        "Plan {code} loaded for unit {unit}.",
    ),
    "cli.plan_unchanged": (
        "Kế hoạch {code} của đơn vị {unit} không thay đổi.",
        "Plan {code} of unit {unit} is unchanged.",
    ),
    "cli.load_counts": (
        "  {kind}: thêm {created}, sửa {updated}, lưu trữ {archived}, giữ nguyên {unchanged}",
        "  {kind}: {created} created, {updated} updated, {archived} archived, {unchanged} unchanged",
    ),
    "cli.plans_title": ("Kế hoạch đã nạp", "Loaded plans"),
    "cli.plan_header": (
        "Đơn vị: {unit} · Năm {year} · Ban hành {issued} · Bộ chỉ số {framework}",
        "Unit: {unit} · Year {year} · Issued {issued} · Framework {framework}",
    ),
    "cli.plan_counts": (
        "{areas} lĩnh vực, {tasks} nhiệm vụ ({inferred_tasks} suy luận), {targets} chỉ tiêu, {roles} chức danh",
        "{areas} areas, {tasks} tasks ({inferred_tasks} inferred), {targets} targets, {roles} positions",
    ),
    "cli.plan_every": ("Tần suất: ", "Recurrence: "),
    "cli.targets_title": ("Chỉ tiêu (* = suy luận)", "Targets (* = inferred)"),
    "cli.areas_title": ("Lĩnh vực và nhiệm vụ", "Areas and tasks"),
    "cli.matrix_title": ("Ma trận phân công — {plan}", "Responsibility matrix — {plan}"),
    "cli.matrix_legend": (
        "L = chủ trì, S = phối hợp, A = phê duyệt tài liệu kiểm chứng",
        "L = lead, S = support, A = approves the evidence",
    ),
    "cli.matrix_written": ("Đã ghi ma trận vào {path}.", "Matrix written to {path}."),
    "cli.officer_added": ("Đã thêm {name} <{email}>.", "Added {name} <{email}>."),
    "cli.assigned": (
        "{email} giữ {position} từ {start} đến {end}.",
        "{email} holds {position} from {start} to {end}.",
    ),
    "cli.ended": (
        "{email} thôi giữ {position} sau ngày {on}.",
        "{email} leaves {position} after {on}.",
    ),
    "cli.officers_title": ("Cán bộ — {unit}", "Officers — {unit}"),
    "cli.imported": (
        "Đã nhập {rows} dòng: {officers} cán bộ mới, {assignments} phân công mới.",
        "Imported {rows} rows: {officers} new officers, {assignments} new assignments.",
    ),
    "cli.who_on": ("ngày {on}", "on {on}"),
    "cli.for": ("thay", "for"),
    "cli.calendar_title": (
        "Lịch năm {year}: {n} ngày làm việc",
        "Calendar {year}: {n} working days",
    ),
    "cli.calendar_set": ("Đã đặt {day}: {kind}.", "Set {day}: {kind}."),
    "cli.scheduled": (
        "Kế hoạch {plan}: tạo {created}, dời hạn {updated}, hủy {cancelled}, giữ nguyên {unchanged}, chuyển người {rerouted}.",
        "Plan {plan}: {created} created, {updated} rescheduled, {cancelled} cancelled, {unchanged} unchanged, {rerouted} re-routed.",
    ),
    "cli.reminded": (
        "Nhắc việc: {reminders}, báo cáo lên cấp trên: {escalations} ({catch_ups} tổng hợp), thư: {messages}.",
        "Reminders: {reminders}, escalations: {escalations} ({catch_ups} catch-up), messages: {messages}.",
    ),
    "cli.outbox_at": ("Đã ghi {n} thư vào {path}.", "Wrote {n} message(s) to {path}."),
    "cli.tasks_title": ("Việc cần làm ({n})", "Work to do ({n})"),
    "cli.late_by": ("trễ {n} ngày", "{n} days late"),
    "cli.transitioned": (
        "{task} kỳ {period}: {before} → {after}.",
        "{task} ({period}): {before} → {after}.",
    ),
    "cli.dossiers_imported": (
        "Đã nhập {rows} hồ sơ: thêm mới {created}, cập nhật {updated}.",
        "Imported {rows} dossiers: {created} created, {updated} updated.",
    ),
    "cli.dossiers_late_title": (
        "Hồ sơ trễ hạn chưa có phiếu xin lỗi ({n}) — {start} đến {end}",
        "Late dossiers without an apology slip ({n}) — {start} to {end}",
    ),
    "cli.dossiers_not_returned": ("chưa trả", "not returned"),
    "cli.dossiers_days_late": ("trễ {n} ngày", "{n} days late"),
    "cli.dossiers_slip_written": (
        "Đã ghi phiếu xin lỗi vào {path}.",
        "Apology slip written to {path}.",
    ),
    "cli.dossiers_id": ("Mã hồ sơ", "Dossier"),
    "cli.dossiers_field": ("Lĩnh vực", "Field"),
    "cli.dossiers_procedure": ("Thủ tục", "Procedure"),
    "cli.dossiers_received": ("Tiếp nhận", "Received"),
    "cli.dossiers_appointment": ("Hẹn trả", "Appointment"),
    "cli.dossiers_returned": ("Đã trả", "Returned"),
    "cli.kpi_title": (
        "Chỉ số giải quyết TTHC — {unit}, {start} đến {end} (tính đến {now})",
        "One-stop KPIs — {unit}, {start} to {end} (as of {now})",
    ),
    "cli.kpi_name": ("Chỉ số", "KPI"),
    "cli.kpi_overall": ("Chung", "Overall"),
    "cli.kpi_fields": ("Theo lĩnh vực", "Per field"),
    "cli.kpi_target": ("Chỉ tiêu", "Target"),
    "cli.kpi_result": ("Kết quả", "Result"),
    "cli.kpi_met": ("đạt", "met"),
    "cli.kpi_not_met": ("không đạt", "not met"),
    "cli.kpi_no_data": ("chưa có số liệu", "no data"),
    "cli.kpi_on_time_rate": ("Tỷ lệ hồ sơ đúng hạn", "On-time rate"),
    "cli.kpi_online_rate": (
        "Tỷ lệ hồ sơ nộp trực tuyến (mức 3, 4)",
        "Online filing rate (level 3/4)",
    ),
    "cli.kpi_online_procedure_share": (
        "Tỷ lệ thủ tục có dịch vụ công mức 3, 4",
        "Share of procedures online at level 3/4",
    ),
    "cli.kpi_postal_return_rate": (
        "Tỷ lệ trả kết quả qua bưu chính công ích",
        "Results returned by public post",
    ),
    "cli.kpi_satisfaction_rate": ("Tỷ lệ hài lòng", "Satisfaction rate"),
    "cli.kpi_apology_coverage": (
        "Tỷ lệ hồ sơ trễ hạn có phiếu xin lỗi",
        "Late dossiers with an apology slip",
    ),
    "cli.kpi_household_business_online_rate": (
        "Tỷ lệ hồ sơ hộ kinh doanh nộp trực tuyến",
        "Household-business dossiers filed online",
    ),
    "cli.kpi_manual": ("Đo thủ công", "Measured manually"),
    "cli.kpi_bad_period": (
        "Chọn một kỳ: --year, --quarter (ví dụ 2020-Q3) hoặc --from và --to (YYYY-MM-DD, --from ≤ --to).",
        "Choose one period: --year, --quarter (e.g. 2020-Q3) or --from and --to (YYYY-MM-DD, --from ≤ --to).",
    ),
    "cli.kpi_measure_set": (
        "Đã ghi {code} năm {year} = {value}.",
        "Recorded {code} for {year} = {value}.",
    ),
    "cli.kpi_measurements_title": ("Số liệu đo thủ công ({n})", "Manual measurements ({n})"),
    "cli.kpi_value": ("Giá trị", "Value"),
    "cli.kpi_note": ("Ghi chú", "Note"),
    "cli.kpi_recorded": ("Người ghi, lúc", "Recorded by, at"),
    "cli.serve_started": (
        "cchc serve đang chạy với {url}. Dừng bằng Ctrl+C.",
        "cchc serve running on {url}. Stop with Ctrl+C.",
    ),
    "cli.delivered": (
        "Gửi thư: nhận {claimed}, đã gửi {sent}, thử lại sau {retried}, không gửi được {dead}.",
        "Delivery: {claimed} claimed, {sent} sent, {retried} to retry, {dead} dead.",
    ),
    "cli.outbox_title": ("Hộp thư đi ({n})", "Outbox ({n})"),
    "cli.retried": ("Đã đưa {n} thư trở lại hàng đợi.", "{n} message(s) queued again."),
    "cli.contact_set": ("Đã cập nhật liên lạc của {email}.", "Contact points of {email} updated."),
    "cli.rerouted": (
        "Đã chuyển {n} việc đang mở cho người chịu trách nhiệm mới.",
        "{n} open occurrence(s) re-routed to whoever answers for them now.",
    ),
    "cli.dry_run_nothing_kept": (
        "Chạy thử: không ghi gì vào cơ sở dữ liệu.",
        "Dry run: nothing was written to the database.",
    ),
    "cli.calendar_cleared": (
        "Đã bỏ ngày nghỉ thêm / làm bù {day}.",
        "Override of {day} removed.",
    ),
    "cli.calendar_not_set": (
        "Ngày {day} không có ngày nghỉ thêm / làm bù nào.",
        "{day} had no override.",
    ),
    "cli.par_title": (
        "Tự đánh giá Chỉ số CCHC năm {year} — {framework}",
        "PAR Index self-assessment {year} — {framework}",
    ),
    "cli.par_total": (
        "Tổng điểm tự đánh giá: {total} / {scale} = {index}% — xếp loại: {grade}",
        "Self-assessed total: {total} / {scale} = {index}% — grade: {grade}",
    ),
    "cli.par_appraised": (
        "Tổng điểm thẩm định: {total} / {scale} = {index}% — xếp loại: {grade}",
        "Appraised total: {total} / {scale} = {index}% — grade: {grade}",
    ),
    "cli.par_needs": (
        "Cần giải trình (có điểm, không có tài liệu kiểm chứng): {items}",
        "Explanation needed (scored without evidence): {items}",
    ),
    "cli.par_saved": ("Đã ghi {item}.", "Saved {item}."),
    "cli.par_submitted": (
        "Đã nộp bản tự đánh giá năm {year}; mã băm {sha}.",
        "Submitted the {year} self-assessment; hash {sha}.",
    ),
    "cli.par_reopened": (
        "Đã mở lại bản tự đánh giá năm {year}.",
        "Reopened the {year} self-assessment.",
    ),
    "cli.par_exported": (
        "Đã xuất hồ sơ tự đánh giá vào {path} ({files} tệp kiểm chứng).",
        "Exported the submission pack to {path} ({files} evidence files).",
    ),
    "cli.audit_ok": ("Nhật ký thay đổi toàn vẹn: {n} mục.", "Audit log intact: {n} entries."),
    "cli.audit_title": ("Nhật ký thay đổi ({n} mục)", "Audit log ({n} entries)"),
    "cli.audit_none": ("Không có mục nhật ký nào khớp.", "No audit log entry matches."),
    "cli.audit_refused": ("từ chối: {action}", "refused: {action}"),
    "cli.audit_id": ("Số", "Id"),
    "cli.audit_at": ("Thời điểm", "Time"),
    "cli.audit_actor": ("Người thực hiện", "Actor"),
    "cli.audit_action": ("Thao tác", "Action"),
    "cli.audit_object": ("Đối tượng", "Object"),
    "cli.audit_unit": ("Đơn vị", "Unit"),
    "cli.audit_rule": ("Quy tắc", "Rule"),
    "cli.audit_before": ("Trước", "Before"),
    "cli.audit_after": ("Sau", "After"),
    "cli.audit_hash": ("Mã băm", "Hash"),
    "cli.audit_prev_hash": ("Mã băm mục trước", "Previous hash"),
    "cli.par_columns": (
        "tối đa / gợi ý / tự chấm / thẩm định · TLKC",
        "max / suggested / self / appraised · evidence",
    ),
    "cli.par_flag": ("⚠ giải trình", "⚠ explain"),
    "cli.evidence_added": (
        "Đã lưu #{id} {file} cho {task} kỳ {period} — {requirement} (lần {revision}, {size}).",
        "Stored #{id} {file} for {task} {period} — {requirement} (revision {revision}, {size}).",
    ),
    "cli.evidence_extra": ("(tài liệu bổ sung)", "(extra document)"),
    "cli.evidence_title": ("Tài liệu kiểm chứng ({n})", "Evidence ({n})"),
    "cli.evidence_reviewed": ("Tài liệu #{id}: {status}.", "Evidence #{id}: {status}."),
    "cli.evidence_verified": (
        "Đã kiểm tra {n} tệp: mọi tài liệu còn nguyên vẹn.",
        "Checked {n} file(s): every document is intact.",
    ),
    "cli.evidence_broken": (
        "Tài liệu #{id} ({task} kỳ {period}, {file}): {problem}",
        "Evidence #{id} ({task} {period}, {file}): {problem}",
    ),
    "cli.evidence_problem.missing": ("mất tệp", "file missing"),
    "cli.evidence_problem.corrupted": (
        "tệp bị hỏng (sai mã băm)",
        "file corrupted (hash mismatch)",
    ),
    "cli.evidence_status.pending": ("chờ duyệt", "pending"),
    "cli.evidence_status.accepted": ("đã chấp nhận", "accepted"),
    "cli.evidence_status.rejected": ("bị trả lại", "rejected"),
    "cli.evidence_field.requirement": ("Tài liệu yêu cầu", "Requirement"),
    "cli.evidence_field.revision": ("Lần", "Revision"),
    "cli.evidence_field.file": ("Tệp", "File"),
    "cli.evidence_field.doc_number": ("Số văn bản", "Document number"),
    "cli.evidence_field.doc_date": ("Ngày văn bản", "Document date"),
    "cli.evidence_field.issuer": ("Cơ quan ban hành", "Issuer"),
    "cli.evidence_field.summary": ("Trích yếu", "Summary"),
    "cli.evidence_field.criteria": ("Tiêu chí", "Criteria"),
    "cli.evidence_field.uploaded": ("Tải lên", "Uploaded"),
    "cli.evidence_field.reviewed": ("Duyệt", "Reviewed"),
    "cli.evidence_field.reason": ("Lý do", "Reason"),
    "cli.evidence_field.blob": ("Tệp lưu trữ", "Stored file"),
    "cli.evidence_field.type": ("Kiểu", "Type"),
    "cli.completeness_title": (
        "Mức đầy đủ tài liệu kiểm chứng theo {by} — {plan}",
        "Evidence completeness by {by} — {plan}",
    ),
    "cli.completeness_by.position": ("chức danh", "position"),
    "cli.completeness_by.area": ("lĩnh vực", "area"),
    "cli.completeness_by.criterion": ("tiêu chí", "criterion"),
    "cli.completeness_by.officer": ("cán bộ", "officer"),
    "cli.completeness_group": ("Nhóm", "Group"),
    "cli.completeness_occurrences": ("Lần thực hiện", "Occurrences"),
    "cli.completeness_required": ("Yêu cầu", "Required"),
    "cli.completeness_provided": ("Đã nộp", "Provided"),
    "cli.completeness_accepted": ("Đã chấp nhận", "Accepted"),
    "cli.completeness_owes_title": ("Ai còn nợ tài liệu gì ({n})", "Who owes what ({n})"),
    "cli.completeness_missing": ("Còn thiếu", "Missing"),
    "cli.completeness_overdue": ("Trễ (ngày làm việc)", "Overdue (working days)"),
    "cli.completeness_none_owed": (
        "Không ai còn nợ tài liệu đến hạn.",
        "Nobody owes a document that is due.",
    ),
    "cli.completeness_written": ("Đã ghi báo cáo vào {path}.", "Report written to {path}."),
    "cli.completeness_sheet_groups": ("Theo nhóm", "By group"),
    "cli.completeness_sheet_owes": ("Còn nợ", "Owed"),
    # --- issue 9: messages that mislead or flood ---
    "cli.remind_planned": ("→ {name} <{to}>: {items}", "→ {name} <{to}>: {items}"),
    "cli.remind_item.reminder": (
        "nhắc việc {task} kỳ {period} (bước {step}, trước hạn {step} ngày làm việc)",
        "reminder {task} ({period}) (step {step}, {step} working days before the deadline)",
    ),
    "cli.remind_item.escalation": (
        "báo cáo trễ hạn {task} kỳ {period} (lần {step})",
        "escalation {task} ({period}) (step {step})",
    ),
    "cli.remind_item.reported": (
        "thông báo {task} kỳ {period} đã được báo cáo lên cấp trên (lần {step})",
        "notice that {task} ({period}) was reported up (escalation {step})",
    ),
    "cli.remind_catch_up": (" — tổng hợp các bước bị lỡ", " — catch-up of missed steps"),
    "cli.remind_planned_total": (
        "Chạy thử: sẽ gửi {n} thư ({reminders} nhắc việc, {escalations} báo cáo trễ hạn); chưa gửi gì.",
        "Dry run: {n} message(s) would be sent ({reminders} reminder(s), {escalations} escalation(s)); nothing was sent.",
    ),
}


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The CLI's text for ``key`` in ``lang``; core keys are found in ``domain.i18n``."""
    pair = CLI.get(key)
    if pair is None:
        return core_t(key, lang, **params)
    return lookup(pair, lang, params)
