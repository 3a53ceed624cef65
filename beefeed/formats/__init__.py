"""The project's named date formats per language (FORMAT_MODULE_PATH): templates write
`|date:"DATE_FORMAT"` and the like, never a hard-coded pattern, so that a Chinese page reads
2026年11月30日 and an English one 30 Nov 2026. Machine forms (<time datetime>, ISO in the APIs
and spreadsheets) keep ISO 8601."""
