-- One database per component, owned by the kelisim user (run once by the postgres image).
CREATE DATABASE kelisim_registry;
CREATE DATABASE kelisim_projects;
CREATE DATABASE kelisim_reports;
CREATE DATABASE kelisim_notifications;
CREATE DATABASE kelisim_gateway;
