"""Cargo-IMP code tables: status codes (list 1.18) to milestones, discrepancy codes (list 1.8)."""

from __future__ import annotations

from logistics.domain.tracking import ExceptionReason, Milestone

FSU_STATUS_CODES: dict[str, Milestone] = {
    "FOH": Milestone.RECEIVED,  # freight on hand, pending ready-for-carriage
    "RCS": Milestone.RECEIVED,  # received from shipper, ready for carriage
    "RCT": Milestone.TRANSFERRED,  # received from another airline
    "RCF": Milestone.UNLOADED,  # received from a flight
    "BKD": Milestone.BOOKED,
    "MAN": Milestone.LOADED,  # manifested on a flight (closest milestone)
    "DEP": Milestone.DEPARTED,
    "PRE": Milestone.INFORMATIONAL,  # prepared for loading
    "TRM": Milestone.INFORMATIONAL,  # to be transferred to another carrier
    "TFD": Milestone.TRANSFERRED,  # transferred to another carrier
    "ARR": Milestone.ARRIVED,
    "AWR": Milestone.INFORMATIONAL,  # documents arrived
    "NFD": Milestone.AVAILABLE_FOR_PICKUP,  # consignee notified of arrival
    "AWD": Milestone.INFORMATIONAL,  # documents delivered to the consignee
    "CCD": Milestone.CUSTOMS_CLEARED,
    "TGC": Milestone.CUSTOMS_HOLD,  # transferred to customs / government control
    "CRC": Milestone.INFORMATIONAL,  # reported to customs
    "DLV": Milestone.DELIVERED,  # delivered to the consignee or agent
    "DDL": Milestone.DELIVERED,  # delivered to the consignee's door
    "DIS": Milestone.EXCEPTION,
    "DOC": Milestone.INFORMATIONAL,  # documents received by the handling party (no layout given)
}
"""Cargo-IMP status code -> milestone (INFORMATIONAL: stored and shown, no cargo milestone)."""

FSU_DISCREPANCY_CODES: dict[str, ExceptionReason] = {
    "OFLD": ExceptionReason.OFFLOADED,  # offloaded
    "SSPD": ExceptionReason.OFFLOADED,  # shortshipped: not loaded as booked
    "MSCA": ExceptionReason.DISCREPANCY,  # missing cargo
    "MSAW": ExceptionReason.DISCREPANCY,  # missing air waybill
    "FDCA": ExceptionReason.DISCREPANCY,  # found cargo
    "FDAW": ExceptionReason.DISCREPANCY,  # found air waybill
    "OVCD": ExceptionReason.DISCREPANCY,  # overcarried
    "DFLD": ExceptionReason.DISCREPANCY,  # definitely loaded (but not found)
    "FDAV": ExceptionReason.DISCREPANCY,  # found mail document
    "FDMB": ExceptionReason.DISCREPANCY,  # found mailbag
    "MSAV": ExceptionReason.DISCREPANCY,  # missing mail document
    "MSMB": ExceptionReason.DISCREPANCY,  # missing mailbag
}
"""DIS discrepancy code (Cargo-IMP code list 1.8) -> exception reason; any other code maps to OTHER
(with a warning)."""
