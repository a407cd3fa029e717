using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace NetGen.Tools;

/// <summary>
/// One entry of an ELF object's version-needs table: "this object needs <see cref="Version"/> of <see cref="File"/>".
/// <see cref="FlagsOffset"/> is the file offset of the entry's 16-bit <c>vna_flags</c> field.
/// </summary>
internal readonly record struct VersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary>True when the dynamic linker only warns (instead of refusing to load) if the version is missing.</summary>
    public bool IsWeak => (Flags & ElfVersionNeeds.WeakFlag) != 0;
}

/// <summary>
/// Reads the version needs (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF shared object, the way the dynamic linker
/// sees them, validating every offset and count on the way so that an unexpected file fails with a precise message instead
/// of a patch landing on the wrong bytes. Layouts follow the System V gABI and the LSB "Symbol Versioning" chapter
/// (the structs Elf64_Ehdr, Elf64_Shdr, Elf64_Verneed and Elf64_Vernaux of glibc's elf.h).
/// </summary>
internal static class ElfVersionNeeds
{
    /// <summary>VER_FLG_WEAK: a missing version is reported only with LD_VERBOSE instead of failing the load.</summary>
    public const ushort WeakFlag = 2;

    private const uint SectionTypeStringTable = 3; // SHT_STRTAB
    private const uint SectionTypeNoBits = 8; // SHT_NOBITS: occupies no file space
    private const uint SectionTypeVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
    private const int HeaderSize = 64; // sizeof(Elf64_Ehdr)
    private const int SectionHeaderSize = 64; // sizeof(Elf64_Shdr)
    private const int EntrySize = 16; // sizeof(Elf64_Verneed) == sizeof(Elf64_Vernaux)

    /// <summary>Every version need of <paramref name="elf"/>, in file order.</summary>
    /// <exception cref="FormatException">The file is not a well-formed ELF64 little-endian object with a <c>.gnu.version_r</c> section.</exception>
    public static List<VersionNeed> Read(ReadOnlySpan<byte> elf)
    {
        // Elf64_Ehdr: e_ident[16], e_type, e_machine, e_version, e_entry, e_phoff, e_shoff (0x28), e_flags,
        // e_ehsize, e_phentsize, e_phnum, e_shentsize (0x3A), e_shnum (0x3C), e_shstrndx (0x3E).
        Require(elf.Length >= HeaderSize, "the file is shorter than an ELF64 header");
        Require(elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F', "not an ELF file (bad magic number)");
        Require(elf[4] == 2, "not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)");
        Require(elf[5] == 1, "not a little-endian ELF file (EI_DATA is not ELFDATA2LSB)");
        Require(elf[6] == 1, "unknown ELF version (EI_VERSION is not EV_CURRENT)");
        ulong tableOffset = U64(elf, 0x28);
        int entrySize = U16(elf, 0x3A);
        ulong count = U16(elf, 0x3C);
        uint namesIndex = U16(elf, 0x3E);
        Require(tableOffset != 0, "the file has no section header table");
        Require(entrySize == SectionHeaderSize, $"section headers are {entrySize} bytes, not {SectionHeaderSize}");
        Require(tableOffset <= (ulong)elf.Length - SectionHeaderSize, "the section header table lies outside the file");

        // Extended numbering: with 65280 or more sections, e_shnum is 0 and e_shstrndx is SHN_XINDEX (0xffff); the real
        // values then live in the sh_size and sh_link fields of section header 0.
        Section first = ReadSection(elf, tableOffset, 0);
        if (count == 0)
        {
            count = first.Size;
        }
        if (namesIndex == 0xffff)
        {
            namesIndex = first.Link;
        }
        Require(count > 0 && count <= ((ulong)elf.Length - tableOffset) / SectionHeaderSize, $"{count} section headers do not fit in the file");
        var sections = new Section[count];
        for (ulong i = 0; i < count; i++)
        {
            sections[i] = ReadSection(elf, tableOffset, i);
        }

        // Section names are offsets into the section-name string table (e_shstrndx).
        Require(namesIndex < count, $"the section-name table index {namesIndex} is out of range");
        Section names = sections[namesIndex];
        Require(names.Type == SectionTypeStringTable, "the section-name table is not a string table");
        int needsIndex = -1;
        for (int i = 0; i < sections.Length; i++)
        {
            if (ReadString(elf, names, sections[i].Name) == ".gnu.version_r")
            {
                Require(needsIndex < 0, "the file has two .gnu.version_r sections");
                needsIndex = i;
            }
        }
        Require(needsIndex >= 0, "the file has no .gnu.version_r (version needs) section");
        Section needs = sections[needsIndex];
        Require(needs.Type == SectionTypeVersionNeeds, ".gnu.version_r is not of type SHT_GNU_verneed");

        // File and version names are offsets into the string table named by sh_link (.dynstr); sh_info counts the
        // Verneed entries (one per needed library).
        Require(needs.Link < count, $".gnu.version_r links to section {needs.Link}, which does not exist");
        Section strings = sections[needs.Link];
        Require(strings.Type == SectionTypeStringTable, ".gnu.version_r does not link to a string table");

        var result = new List<VersionNeed>();
        ulong need = 0; // offset of the current Elf64_Verneed within the section
        for (uint n = 0; n < needs.Info; n++)
        {
            // Elf64_Verneed: vn_version (u16), vn_cnt (u16), vn_file (u32), vn_aux (u32, offset of the first Vernaux
            // from this entry), vn_next (u32, offset of the next Verneed from this entry; 0 in the last one).
            Require(need + EntrySize <= needs.Size, $"version need {n} lies outside .gnu.version_r");
            ReadOnlySpan<byte> entry = elf.Slice(checked((int)(needs.Offset + need)), EntrySize);
            Require(U16(entry, 0) == 1, $"version need {n} has structure version {U16(entry, 0)}, not 1");
            int auxCount = U16(entry, 2);
            string file = ReadString(elf, strings, U32(entry, 4));
            uint next = U32(entry, 12);
            Require((next == 0) == (n == needs.Info - 1), $"the chain of version needs does not end after sh_info = {needs.Info} entries");

            ulong aux = need + U32(entry, 8);
            for (int a = 0; a < auxCount; a++)
            {
                // Elf64_Vernaux: vna_hash (u32, ELF hash of the name), vna_flags (u16), vna_other (u16, the version
                // index used in .gnu.version), vna_name (u32), vna_next (u32, offset of the next Vernaux; 0 in the last).
                Require(aux + EntrySize <= needs.Size, $"version {a} of {file} lies outside .gnu.version_r");
                long at = checked((long)(needs.Offset + aux));
                ReadOnlySpan<byte> version = elf.Slice((int)at, EntrySize);
                string name = ReadString(elf, strings, U32(version, 8));
                Require(U32(version, 0) == Hash(name), $"the hash of {file} version {name} does not match its name");
                uint auxNext = U32(version, 12);
                Require((auxNext == 0) == (a == auxCount - 1), $"the version chain of {file} does not end after vn_cnt = {auxCount} entries");
                result.Add(new VersionNeed(file, name, U16(version, 4), at + 4));
                aux += auxNext;
            }
            need += next;
        }
        return result;
    }

    /// <summary>The System V ELF hash (gABI "Hash Table"), stored in vna_hash.</summary>
    public static uint Hash(string name)
    {
        uint h = 0;
        foreach (byte c in Encoding.ASCII.GetBytes(name))
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }
            h &= ~g;
        }
        return h;
    }

    private readonly record struct Section(uint Name, uint Type, ulong Offset, ulong Size, uint Link, uint Info);

    private static Section ReadSection(ReadOnlySpan<byte> elf, ulong tableOffset, ulong index)
    {
        // Elf64_Shdr: sh_name (u32), sh_type (u32), sh_flags (u64), sh_addr (u64), sh_offset (0x18), sh_size (0x20),
        // sh_link (0x28, u32), sh_info (0x2C, u32), sh_addralign, sh_entsize.
        ReadOnlySpan<byte> header = elf.Slice(checked((int)(tableOffset + index * SectionHeaderSize)), SectionHeaderSize);
        var section = new Section(U32(header, 0), U32(header, 4), U64(header, 0x18), U64(header, 0x20), U32(header, 0x28), U32(header, 0x2C));
        Require(section.Type == SectionTypeNoBits || index == 0 || (section.Offset <= (ulong)elf.Length && section.Size <= (ulong)elf.Length - section.Offset),
            $"section {index} lies outside the file");
        return section;
    }

    private static string ReadString(ReadOnlySpan<byte> elf, Section table, uint offset)
    {
        Require(offset < table.Size, $"string offset {offset} lies outside its string table");
        ReadOnlySpan<byte> rest = elf.Slice(checked((int)(table.Offset + offset)), checked((int)(table.Size - offset)));
        int end = rest.IndexOf((byte)0);
        Require(end >= 0, "a string is not terminated inside its string table");
        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static ushort U16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);

    private static uint U32(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);

    private static ulong U64(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new FormatException(problem);
        }
    }
}
