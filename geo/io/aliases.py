"""Known header aliases per import kind, the built-in profiles, and layout detection.

Built-in profiles (``BUILTIN``):
- ``sasaran``: the project's own columns (docs/registry.md, docs/coverage.md), per kind;
- ``dtks``: DTKS/BDT exports (Kemensos/TNP2K): household file ``IDBDT, NoKK, NIK, Nama, Alamat,
  KDPROP, KDKAB, KDKEC, KDDESA, JumlahART, Desil`` (status ``terverifikasi``: the DTKS is the
  verified register) and person file ``IDBDT, IDARTBDT, Nama, JnsKel (1/2), TglLahir, NIK,
  Hub_KRT (1-8)``;
- ``bnba``: SIKS-NG BNBA (by name by address) beneficiary lists for an enrollment import:
  ``NO, NIK, NO KK, NAMA KEPALA KELUARGA, JENIS KELAMIN, TANGGAL LAHIR (DD/MM/YYYY), JUMLAH
  ANGGOTA KELUARGA, ALAMAT, RT, RW, TANGGAL PENYALURAN``; a list without a date column takes
  ``tanggal_mulai`` as a constant at import (``--set tanggal_mulai=2026-01-01``).

``detect(headers, kind)`` scores each profile of the kind by the share of its signature headers
present in the file (the own profile: its canonical columns and their aliases); the confidence
shown is that share, 0-1.
"""

from __future__ import annotations

from collections.abc import Sequence

from geo.io.profiles import ColumnProfile, header_key

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "rumah_tangga": {
        "id_keluarga": ("idkel", "idbdt", "idrt", "idrumahtangga", "iddtks"),
        "no_kk": ("nokk", "nomorkk", "nokartukeluarga", "nomorkartukeluarga", "kk"),
        "nik_kepala": ("nik", "nikkrt", "nikkepalakeluarga", "nikkepalarumahtangga"),
        "nama_kepala": ("nama", "namakrt", "namakepalakeluarga", "namakepalarumahtangga"),
        "kode_kelurahan": ("kodedesa", "kodekel", "kodedesakelurahan", "kodewilayah"),
        "jumlah_anggota": ("jumlahanggotakeluarga", "jumlahart", "jmlart", "jumlahjiwa"),
        "desil": ("desilnasional", "desilkesejahteraan"),
        "status_verifikasi": ("status", "statusdtks"),
        "tanggal_verifikasi": ("tglverifikasi",),
        "pengeluaran_per_kapita": ("pengeluarankapita", "pengeluaranperkapitasebulan"),
        "lat": ("latitude", "lintang"),
        "lon": ("longitude", "bujur", "lng"),
    },
    "anggota": {
        "id_keluarga": ("idbdt", "idrt", "iddtks"),
        "nik": ("nikart", "noinduk"),
        "nama": ("namaart", "namalengkap", "namaanggota"),
        "hubungan": ("hubkrt", "hubungankeluarga", "shdk", "hubungandengankepalakeluarga"),
        "jenis_kelamin": ("jnskel", "jk", "kelamin"),
        "tanggal_lahir": ("tgllahir", "tgllhr"),
        "disabilitas": ("penyandangdisabilitas", "difabel"),
    },
    "program": {
        "kode_program": ("kdprogram", "kodeprog"),
        "nama": ("namaprogram", "program"),
        "instansi": ("kodeinstansi", "opd", "kodeopd"),
        "nama_instansi": ("namaopd", "namadinas"),
        "tahun": ("tahunanggaran",),
        "anggaran": ("pagu", "paguanggaran", "nilaianggaran"),
        "wilayah_layanan": ("wilayah", "kelurahanlayanan", "lokasi"),
    },
    "kepesertaan": {
        "kode_program": ("kdprogram", "program"),
        "id_keluarga": ("idbdt", "iddtks", "idkel"),
        "no_kk": ("nokk", "nomorkk", "nokartukeluarga", "kk"),
        "nik": ("nikpenerima", "nikkpm", "nikkrt"),
        "tanggal_mulai": ("tglmulai", "tanggalpenyaluran", "tglsalur", "tmt", "tanggalmasuk"),
        "tanggal_selesai": ("tglselesai", "tanggalkeluar"),
        "nama": ("namapenerima", "namakepalakeluarga", "namakpm", "namakrt"),
        "tanggal_lahir": ("tgllahir",),
    },
}

_HUBUNGAN_BDT = {"1": "kepala keluarga", "2": "istri/suami", "3": "anak", "4": "menantu",
                 "5": "cucu", "6": "orang tua/mertua", "7": "pembantu", "8": "lainnya"}
_AREA_PARTS = ("KDPROP", "KDKAB", "KDKEC", "KDDESA")


def _own(kind: str) -> ColumnProfile:
    return ColumnProfile("sasaran", "Format Sasaran", kind, builtin=True)


BUILTIN: dict[str, list[ColumnProfile]] = {
    "rumah_tangga": [
        _own("rumah_tangga"),
        ColumnProfile(
            "dtks", "DTKS/BDT (rumah tangga)", "rumah_tangga",
            rename={"IDBDT": "id_keluarga", "NoKK": "no_kk", "NIK": "nik_kepala",
                    "Nama": "nama_kepala", "Alamat": "alamat", "JumlahART": "jumlah_anggota",
                    "Desil": "desil"},
            combine={"kode_kelurahan": _AREA_PARTS},
            constants={"status_verifikasi": "terverifikasi"}, builtin=True),
    ],
    "anggota": [
        _own("anggota"),
        ColumnProfile(
            "dtks", "DTKS/BDT (anggota rumah tangga)", "anggota",
            rename={"IDBDT": "id_keluarga", "IDARTBDT": "id_keluarga_art", "NIK": "nik",
                    "Nama": "nama", "JnsKel": "jenis_kelamin", "TglLahir": "tanggal_lahir",
                    "Hub_KRT": "hubungan"},
            values={"jenis_kelamin": {"1": "L", "2": "P"}, "hubungan": _HUBUNGAN_BDT},
            builtin=True),
    ],
    "program": [_own("program")],
    "kepesertaan": [
        _own("kepesertaan"),
        ColumnProfile(
            "bnba", "SIKS-NG BNBA", "kepesertaan",
            rename={"NIK": "nik", "NO KK": "no_kk", "NAMA KEPALA KELUARGA": "nama",
                    "TANGGAL LAHIR (DD/MM/YYYY)": "tanggal_lahir",
                    "TANGGAL PENYALURAN": "tanggal_mulai", "JENIS KELAMIN": "jenis_kelamin",
                    "JUMLAH ANGGOTA KELUARGA": "jumlah_anggota", "ALAMAT": "alamat",
                    "RT": "rt", "RW": "rw"},
            builtin=True),
    ],
}


def builtin(kind: str, name: str) -> ColumnProfile | None:
    return next((p for p in BUILTIN.get(kind, []) if p.name == name), None)


def alias_table(kind: str, columns: Sequence[str]) -> dict[str, str]:
    """Header key -> canonical column: the columns themselves, then their aliases."""
    table = {header_key(c): c for c in columns}
    for canonical, keys in ALIASES.get(kind, {}).items():
        if canonical in columns:
            for key in keys:
                table.setdefault(key, canonical)
    return table


def detect(headers: Sequence[str], kind: str, columns: Sequence[str],
           saved: Sequence[ColumnProfile] = ()) -> list[tuple[ColumnProfile, float]]:
    """Profiles of ``kind`` (built-in, then ``saved``) with their confidence, best first; the
    own profile wins ties (it changes nothing)."""
    present = {header_key(h) for h in headers}
    scored = []
    for profile in [*BUILTIN.get(kind, []), *saved]:
        if profile.name == "sasaran":
            known = alias_table(kind, columns)
            signature = list(dict.fromkeys(known[k] for k in present if k in known))
            confidence = len(signature) / max(len(columns), 1)
        else:
            wanted = profile.signature
            confidence = sum(k in present for k in wanted) / max(len(wanted), 1)
        scored.append((profile, round(confidence, 2)))
    return sorted(scored, key=lambda s: (-s[1], s[0].name != "sasaran"))
