"""Class: start a class (a code to read aloud, a join link, a QR code); watch the wall fill up."""

import streamlit as st

from ui import class_session, class_start, class_teacher, class_wall, widgets

widgets.page_header("Class",
                    "Pupils draw on their phones and press **Send to the class**: their digits "
                    "arrive on this wall, rebuilt by a model and placed on its latent map.")

widgets.explain("How does a class work?", """
1. **Start a class** below. You get a code such as **K7QX**, a link and a QR code of it.
2. Pupils scan the QR code (or open the link, or type the code on this page). They land on the
   *Draw & reconstruct* page in your class, draw a digit and press **Send to the class**.
   Nothing is sent without that click, and a pupil can take a drawing back.
3. The wall updates by itself: every drawing beside its reconstruction, the class's digits on the
   2-D map and in the 3-D space, and the drawings that fool the autoencoder most.
4. **Use** puts a drawing in your own input, so the Draw, Denoising and latent pages show it.
5. Pause sending, remove a drawing, clear the wall, export the class's set, or close the class:
   closing deletes its drawings. A class also ends on its own after 12 hours.
""")

class_start.sending_check()
teaching = class_teacher.teacher_room()
class_teacher.hand_over_cookies(teaching)  # the key after a start, or its removal after a close
if teaching is None:
    start, join = st.columns(2, gap="large")
    with start:
        class_start.start_form()
    with join:
        class_start.join_form()
        class_session.show_flash()
else:
    class_wall.wall(teaching)
