import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSchools1764331200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE schools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        uai varchar(8) NOT NULL UNIQUE,
        name varchar NOT NULL,
        academy_code varchar(2) NOT NULL,
        commune_insee varchar(5) NOT NULL,
        priority_education boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE schools');
  }
}
