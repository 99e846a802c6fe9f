"""BioCampus: the operating system of a life-science innovation campus and its network."""
