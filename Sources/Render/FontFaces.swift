import CCairo

/// DejaVu Sans's regular and bold faces, opened once per process straight from
/// their files with FreeType (`cairo_ft_font_face_create_for_ft_face`).
///
/// Cairo's toy API (`cairo_select_font_face`) finds the same two files through
/// fontconfig, whose set-up (parsing every configuration file, then matching) cost
/// more than drawing all of a report's text. Debian's fontconfig gives DejaVu Sans
/// slight hinting and greyscale antialiasing at the sizes a report uses; with
/// `hintStyle` set on the context, the text comes out pixel for pixel the same.
///
/// Cairo font faces are reference counted, never change once made, and Cairo locks
/// a FreeType face around each use, so the two are shared by every canvas on any thread.
struct FontFaces: @unchecked Sendable {
    let regular: OpaquePointer
    let bold: OpaquePointer

    /// The hint style fontconfig gives DejaVu Sans on Debian (`10-hinting-slight.conf`).
    static let hintStyle = CAIRO_HINT_STYLE_SLIGHT

    /// Folders that hold `DejaVuSans.ttf` and `DejaVuSans-Bold.ttf`: Debian's
    /// (`fonts-dejavu-core`), then Fedora's and Arch's.
    static let folders = [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu-sans-fonts",
        "/usr/share/fonts/TTF",
    ]

    /// The faces from the first of `folders` that holds both, or nil (then canvases
    /// fall back to the toy API and fontconfig).
    static let dejaVuSans = open(in: folders)

    /// The faces from the first of `folders` that holds both files, or nil.
    static func open(in folders: [String]) -> FontFaces? {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else { return nil }
        for folder in folders {
            guard let regular = face("\(folder)/DejaVuSans.ttf", library) else { continue }
            guard let bold = face("\(folder)/DejaVuSans-Bold.ttf", library) else {
                FT_Done_Face(regular)
                continue
            }
            return FontFaces(regular: cairo_ft_font_face_create_for_ft_face(regular, 0),
                             bold: cairo_ft_font_face_create_for_ft_face(bold, 0))
        }
        FT_Done_FreeType(library)
        return nil
    }

    /// The FreeType face in `path` if it is there and is DejaVu Sans; kept open for the process.
    private static func face(_ path: String, _ library: FT_Library) -> FT_Face? {
        var face: FT_Face?
        guard FT_New_Face(library, path, 0, &face) == 0, let face else { return nil }
        guard let family = face.pointee.family_name, String(cString: family) == "DejaVu Sans" else {
            FT_Done_Face(face)
            return nil
        }
        return face
    }
}
