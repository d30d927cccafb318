"""Class mode's storage (issue 18): rooms, pupils and their drawings, in SQLite or PostgreSQL.

No Streamlit and no TensorFlow here: the pages use `classroom.store` (`ClassStore`,
`default_store`). The modules: `store` (the interface), `engine` (which database, how it
connects), `schema` (the tables), `codes` (room codes and keys), `inputs` (checks on what people
send), `records` (the records handed out), `errors` (`Refused`, `StoreUnavailable`).
"""
