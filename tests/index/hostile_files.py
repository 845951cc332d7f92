"""Small hostile files for the red-team regression tests, built in code (nothing copied from a corpus)."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any


def build_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.6\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra
              + b">>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _page_objects(content: bytes, stream_dict: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d " % len(content) + stream_dict + b">>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def aes_encrypted_pdf() -> bytes:
    """A PDF encrypted with AES (V4/AESV2) that opens with the empty user password: decrypting it needs the
    `cryptography` package, which pypdf reports as DependencyError."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")  # O/U values valid for R4 too
    buffer = io.BytesIO()
    writer.write(buffer)
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    encrypt: Any = reader.trailer["/Encrypt"].get_object()
    owner, user = encrypt["/O"].original_bytes, encrypt["/U"].original_bytes
    file_id = reader.trailer["/ID"][0].original_bytes  # type: ignore[index]
    objects = _page_objects(b"BT /F1 12 Tf 72 720 Td (Seizures rose 25 percent) Tj ET")
    objects.append(b"<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV2 "
                   b"/Length 16 >> >> /StmF /StdCF /StrF /StdCF /O <" + owner.hex().encode() + b"> /U <"
                   + user.hex().encode() + b"> /P %d >>" % int(encrypt["/P"]))
    ids = b"<" + file_id.hex().encode() + b">"
    return build_pdf(objects, b"/Encrypt 6 0 R /ID [" + ids + b" " + ids + b"] ")


def decompression_bomb_pdf(megabytes: int = 90) -> bytes:
    """A PDF whose one content stream inflates past pypdf's output limit (LimitReachedError)."""
    packed = zlib.compress(b" " * (megabytes * 1_000_000), 9)
    return build_pdf(_page_objects(packed, b"/Filter /FlateDecode "))


def billion_laughs_markdown() -> bytes:
    """A few hundred bytes of YAML front matter whose nested aliases expand to billions of strings."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("---\n" + "\n".join(lines) + "\n---\n\n# Notes\n\nSeizures rose 25 percent.\n").encode()


def zip_bomb_docx(unpacked_mb: int = 60) -> bytes:
    """A real .docx whose document.xml is padded (whitespace after the root element) to unpack to about
    `unpacked_mb` MB from a few tens of KB."""
    import docx

    document = docx.Document()
    document.add_paragraph("Seizures rose 25 percent.")
    plain = io.BytesIO()
    document.save(plain)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":
                data += b" " * (unpacked_mb * 1_000_000)
            archive.writestr(member.filename, data)
    return buffer.getvalue()


def wide_csv(columns: int, rows: int = 3) -> bytes:
    header = ",".join(f"measure {i}" for i in range(columns))
    body = "\n".join(",".join(str(i * j) for i in range(columns)) for j in range(1, rows + 1))
    return f"{header}\n{body}\n".encode()
