# Working-group sessions, votes, resolutions and national confirmation batches come here
# (see DOMAIN.md). Until then, the provincial resolution and the national letter are recorded on
# the case itself by cases.services.
