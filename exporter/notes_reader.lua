-- A pandoc custom reader for a bundle of notes, so one pandoc process parses many notes,
-- each on its own: a fence or a quote left open in one note never runs into the next.
-- Input: "FORMAT <pandoc input format>\n", then per note "NOTE <bytes>\n" and the body.
-- Output: one Div per note, in order, holding that note's blocks; on stderr a line
-- "NOTE DONE" as each note is parsed, so that a run stopped for taking too long tells
-- which note it was stuck on.
function Reader(input, options)
  local text = tostring(input)
  local format_end = text:find("\n", 1, true)
  local format = text:sub(#"FORMAT " + 1, format_end - 1)
  local at = format_end + 1
  local notes = pandoc.Blocks{}
  while text:sub(at, at + 4) == "NOTE " do
    local line_end = text:find("\n", at, true)
    local size = tonumber(text:sub(at + 5, line_end - 1))
    local body = text:sub(line_end + 1, line_end + size)
    notes:insert(pandoc.Div(pandoc.read(body, format, options).blocks))
    io.stderr:write("NOTE DONE\n")
    io.stderr:flush()
    at = line_end + size + 1
  end
  return pandoc.Pandoc(notes)
end
