-- A department handler works for one deciding department (医保, 教育…):
-- their queue holds that department's cases only.
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';
