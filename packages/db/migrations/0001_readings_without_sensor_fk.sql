ALTER TABLE "readings" DROP CONSTRAINT "readings_sensor_ref_sensors_id_fk";
