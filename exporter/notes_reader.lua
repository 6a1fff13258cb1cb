-- A pandoc custom reader for a bundle of notes, so one pandoc process parses many notes,
-- each on its own: a fence or a quote left open in one note never runs into the next.
-- Input: "FORMAT <pandoc input format>\n", "END <token>\n", then per note "NOTE <bytes>\n"
-- and the body. Output: each note's blocks in order, each note's followed by a RawBlock
-- of format "exporter-note-end" holding the token, which no note can forge (it is new
-- each run), so the caller cuts the JSON at those without decoding it; on stderr a line
-- "NOTE DONE" as each note is parsed, so that a run stopped for taking too long tells
-- which note it was stuck on.
local function line_after(text, at, prefix)
  local line_end = text:find("\n", at, true)
  return text:sub(at + #prefix, line_end - 1), line_end + 1
end

function Reader(input, options)
  local text = tostring(input)
  local format, at = line_after(text, 1, "FORMAT ")
  local token
  token, at = line_after(text, at, "END ")
  local blocks = pandoc.Blocks{}
  while text:sub(at, at + 4) == "NOTE " do
    local size
    size, at = line_after(text, at, "NOTE ")
    local body = text:sub(at, at + tonumber(size) - 1)
    blocks:extend(pandoc.read(body, format, options).blocks)
    blocks:insert(pandoc.RawBlock("exporter-note-end", token))
    io.stderr:write("NOTE DONE\n")
    io.stderr:flush()
    at = at + tonumber(size)
  end
  return pandoc.Pandoc(blocks)
end
