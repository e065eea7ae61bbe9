import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClasses1765195200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE school_classes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id) ON DELETE RESTRICT,
        uai varchar(8) NOT NULL,
        academy_code varchar(2) NOT NULL,
        name varchar(60) NOT NULL,
        school_year varchar(9) NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
        diploma varchar(8) NOT NULL CHECK (diploma ~ '^[0-9]{8}$'),
        level varchar(16) NOT NULL
          CHECK (level IN ('cap1', 'cap2', 'bacpro-seconde', 'bacpro-premiere', 'bacpro-terminale')),
        specialty varchar(120),
        famille_de_metiers varchar(120),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (famille_de_metiers IS NULL OR level = 'bacpro-seconde'),
        CHECK (specialty IS NOT NULL OR famille_de_metiers IS NOT NULL),
        UNIQUE (school_id, school_year, name)
      )`);
    await queryRunner.query(
      'CREATE INDEX school_classes_scope ON school_classes (academy_code, uai, created_at, id)',
    );
    await queryRunner.query(`
      CREATE TABLE pfmp_periods (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        class_id uuid NOT NULL REFERENCES school_classes(id) ON DELETE CASCADE,
        uai varchar(8) NOT NULL,
        academy_code varchar(2) NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        weeks_required smallint NOT NULL CHECK (weeks_required BETWEEN 1 AND 22),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date >= start_date),
        UNIQUE (class_id, start_date)
      )`);
    await queryRunner.query('CREATE INDEX pfmp_periods_class ON pfmp_periods (class_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE pfmp_periods');
    await queryRunner.query('DROP TABLE school_classes');
  }
}
